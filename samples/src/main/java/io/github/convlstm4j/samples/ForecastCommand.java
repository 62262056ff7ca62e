package io.github.convlstm4j.samples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** WIP. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    header = "Forecast frames from a checkpoint and context frames.")
final class ForecastCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
