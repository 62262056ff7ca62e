#!/usr/bin/env python3
"""Writes the Keras fixtures under keras/src/test/resources/keras/ with h5py and numpy only.

Run from the repository root:  python3 keras/src/test/python/make_fixtures.py
(Debian: python3-h5py, python3-numpy). Deterministic: the same bytes apart from HDF5's
own bookkeeping, the same values always.

Every group, dataset and attribute follows Keras' own writers; line numbers refer to
keras-team/keras at commit 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60:

* HDF5 full models: keras/src/legacy/saving/legacy_h5_format.py
  - save_model_to_hdf5, lines 28-76: root attributes model_config (JSON, lines 56-62),
    keras_version and backend (from model_metadata), group "model_weights" (line 64);
  - save_weights_to_hdf5_group, lines 206-235: attribute "layer_names" (line 215-219),
    "backend" and "keras_version" (lines 220-221), one group per layer (line 226);
  - save_subset_weights_to_hdf5_group, lines 238-255: attribute "weight_names" (line 247),
    one dataset per weight at that relative path (line 249);
  - save_attributes_to_hdf5_group, lines 288-329: a long list is split into
    "<name>0", "<name>1", ... (line 327).
  - Weights-only files (model.save_weights("x.h5")): the same save_weights_to_hdf5_group on
    the file's root.
* .keras archives: keras/src/saving/saving_lib.py
  - save_model, lines 75-270: zip entries metadata.json (keras_version, date_saved, lines
    152-156), config.json (line 151), model.weights.h5 (lines 46-47, 214-233), stored;
  - H5IOStore, lines 1289-1480: each saveable's variables are datasets "0", "1", ... in a group
    "<path>/vars" (lines 1433-1442); Layer.save_own_variables (keras/src/layers/layer.py lines
    1460-1471) numbers them trainable first; children follow under "<path>/<attribute>"
    (_walk_saveable, lines 738-765: a ConvLSTM2D's variables are in its "cell");
  - _save_container_state / _get_unique_name, lines 937-1002: the model's layers are
    "layers/<snake_case class name>", then "_1", "_2", ... per class.
  - tf.keras 2.13 wrote "_layer_checkpoint_dependencies/<name>" instead of "layers/<name>"
    (the reader's fallback, lines 1409-1416); saved on Windows the separator was "\\" inside
    one group name (as in the real file pfi_tfk2131.keras).

Weight values: tensor number k (0-based, in file order across the whole model) holds, at flat
C-order index i, value(k, i) = ((7*i + 13*k) % 29 - 14) / 16, exact in float32. The Java tests
recompute them. Moving variances are made positive: |value| + 0.5.

expected_<fixture>.npy: the Keras forward pass of each predictable fixture on a fixed input
(input(i) = ((5*i) % 17 - 8) / 8), computed by the independent NumPy implementation below
(float64), so the tests compare the library's prediction against Keras semantics.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "keras")


def value(k, shape, positive=False):
    n = int(np.prod(shape)) if shape else 1
    i = np.arange(n)
    v = (((7 * i + 13 * k) % 29) - 14) / 16.0
    if positive:
        v = np.abs(v) + 0.5
    return v.astype(np.float32).reshape(shape)


def model_input(shape):
    n = int(np.prod(shape))
    i = np.arange(n)
    return ((((5 * i) % 17) - 8) / 8.0).reshape(shape)


# ---------------------------------------------------------------- numpy reference (float64)

def act(name, x, keras_major):
    if name == "tanh":
        return np.tanh(x)
    if name == "relu":
        return np.maximum(x, 0)
    if name == "linear":
        return x
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid":
        if keras_major < 3:
            return np.clip(0.2 * x + 0.5, 0, 1)
        return np.clip(x / 6 + 0.5, 0, 1)
    raise ValueError(name)


def conv(x, w, same):
    """x (H, W, C), w (kh, kw, C, F): 2-D cross-correlation, stride 1 (TF SAME padding)."""
    kh, kw = w.shape[0], w.shape[1]
    if same:
        x = np.pad(x, (((kh - 1) // 2, kh - 1 - (kh - 1) // 2),
                       ((kw - 1) // 2, kw - 1 - (kw - 1) // 2), (0, 0)))
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = np.zeros((oh, ow, w.shape[3]))
    for a in range(kh):
        for b in range(kw):
            out += np.tensordot(x[a:a + oh, b:b + ow, :], w[a, b], axes=([2], [0]))
    return out


def conv_lstm(x, kernel, rec, bias, cfg, keras_major):
    """x (T, H, W, C) -> (T, H', W', F) or (H', W', F); Keras gate order i, f, c, o."""
    f = cfg["filters"]
    same = cfg["padding"] == "same"
    h = c = None
    outs = []
    for t in range(x.shape[0]):
        z = conv(x[t], kernel.astype(np.float64), same)
        if bias is not None:
            z = z + bias
        if h is None:
            h = np.zeros(z.shape[:2] + (f,))
            c = np.zeros_like(h)
        z = z + conv(h, rec.astype(np.float64), True)
        i, fg, cc, o = z[..., :f], z[..., f:2 * f], z[..., 2 * f:3 * f], z[..., 3 * f:]
        ra = cfg["recurrent_activation"]
        i, fg, o = act(ra, i, keras_major), act(ra, fg, keras_major), act(ra, o, keras_major)
        c = fg * c + i * act(cfg["activation"], cc, keras_major)
        h = o * act(cfg["activation"], c, keras_major)
        outs.append(h)
    return np.stack(outs) if cfg["return_sequences"] else outs[-1]


def batch_norm(x, gamma, beta, mean, var, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def conv3d_same(x, w, b, activation, keras_major):
    """x (T, H, W, C), w (kt, kh, kw, C, F), SAME in time and space."""
    kt = w.shape[0]
    xt = np.pad(x, (((kt - 1) // 2, kt - 1 - (kt - 1) // 2), (0, 0), (0, 0), (0, 0)))
    out = []
    for t in range(x.shape[0]):
        acc = 0
        for a in range(kt):
            acc = acc + conv(xt[t + a], w[a].astype(np.float64), True)
        out.append(act(activation, acc + b, keras_major))
    return np.stack(out)


def conv2d_strided(x, w, s, same):
    """x (H, W, C), w (kh, kw, C, F), stride s: TensorFlow's conv2d (SAME: ceil(n/s) outputs,
    the padding total = max((out-1)*s + k - n, 0) split with the smaller half before)."""
    kh, kw = w.shape[0], w.shape[1]

    def geometry(n, k):
        if same:
            out = -(-n // s)
            total = max((out - 1) * s + k - n, 0)
            return out, total // 2, total - total // 2
        return (n - k) // s + 1, 0, 0

    oh, bh, ah = geometry(x.shape[0], kh)
    ow, bw, aw = geometry(x.shape[1], kw)
    xp = np.pad(x, ((bh, ah), (bw, aw), (0, 0)))
    out = np.zeros((oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = xp[i * s:i * s + kh, j * s:j * s + kw, :]
            out[i, j] = np.tensordot(patch, w, axes=([0, 1, 2], [0, 1, 2]))
    return out


def conv2d_transpose(x, w, s, same):
    """x (H, W, Cin), w (kh, kw, F, Cin) (Keras' layout): the adjoint of conv2d_strided with an
    output of n*s (SAME) or (n-1)*s + k (VALID) positions per axis: scatter every input
    position's contribution, then crop the SAME padding (the smaller half before)."""
    kh, kw = w.shape[0], w.shape[1]
    h, wd = x.shape[0], x.shape[1]
    full = np.zeros(((h - 1) * s + kh, (wd - 1) * s + kw, w.shape[2]))
    for i in range(h):
        for j in range(wd):
            full[i * s:i * s + kh, j * s:j * s + kw, :] += np.tensordot(
                w, x[i, j], axes=([3], [0]))
    if not same:
        return full
    oh, ow = h * s, wd * s
    bh = max((h - 1) * s + kh - oh, 0) // 2  # conv2d_strided's padding for an oh-long input
    bw = max((wd - 1) * s + kw - ow, 0) // 2
    return full[bh:bh + oh, bw:bw + ow, :]


def max_pool_same(x, p, s):
    """x (H, W, C): TensorFlow's max_pool with SAME padding; padded cells never win."""
    def geometry(n):
        out = -(-n // s)
        total = max((out - 1) * s + p - n, 0)
        return out, total // 2, total - total // 2
    oh, bh, ah = geometry(x.shape[0])
    ow, bw, aw = geometry(x.shape[1])
    xp = np.pad(x, ((bh, ah), (bw, aw), (0, 0)), constant_values=-np.inf)
    out = np.zeros((oh, ow, x.shape[2]))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = xp[i * s:i * s + p, j * s:j * s + p, :].max(axis=(0, 1))
    return out


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


# ---------------------------------------------------------------- configs (tf.keras 2.x style)

def init(cls, keras3=False, **cfg):
    d = {"class_name": cls, "config": cfg}
    if keras3:
        d = {"module": "keras.initializers", "class_name": cls, "config": cfg,
             "registered_name": None}
    return d


def conv_lstm_config(name, filters, kernel, padding="same", activation="tanh",
                     recurrent_activation="hard_sigmoid", return_sequences=True, keras3=False,
                     **extra):
    c = {"name": name, "trainable": True, "dtype": "float32",
         "return_sequences": return_sequences, "return_state": False, "go_backwards": False,
         "stateful": False, "unroll": False, "time_major": False, "filters": filters,
         "kernel_size": list(kernel), "strides": [1, 1], "padding": padding,
         "data_format": "channels_last", "dilation_rate": [1, 1], "activation": activation,
         "recurrent_activation": recurrent_activation, "use_bias": True,
         "kernel_initializer": init("GlorotUniform", keras3, seed=None),
         "recurrent_initializer": init("Orthogonal", keras3, gain=1.0, seed=None),
         "bias_initializer": init("Zeros", keras3), "unit_forget_bias": True,
         "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
         "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
         "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0}
    if keras3:
        del c["time_major"]
        c["dtype"] = {"module": "keras", "class_name": "DTypePolicy",
                      "config": {"name": "float32"}, "registered_name": None}
        c["zero_output_for_mask"] = False
        c["seed"] = None
    c.update(extra)
    return c


def bn_config(name, axis, momentum=0.99, epsilon=0.001, center=True, scale=True, keras3=False):
    return {"name": name, "trainable": True, "dtype": "float32", "axis": axis,
            "momentum": momentum, "epsilon": epsilon, "center": center, "scale": scale,
            "beta_initializer": init("Zeros", keras3), "gamma_initializer": init("Ones", keras3),
            "moving_mean_initializer": init("Zeros", keras3),
            "moving_variance_initializer": init("Ones", keras3), "beta_regularizer": None,
            "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}


def conv3d_config(name, filters, kernel, activation, padding="same"):
    return {"name": name, "trainable": True, "dtype": "float32", "filters": filters,
            "kernel_size": list(kernel), "strides": [1, 1, 1], "padding": padding,
            "data_format": "channels_last", "dilation_rate": [1, 1, 1], "groups": 1,
            "activation": activation, "use_bias": True,
            "kernel_initializer": init("GlorotUniform", seed=None),
            "bias_initializer": init("Zeros"), "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}


def dropout_config(name, rate=0.25):
    return {"name": name, "trainable": True, "dtype": "float32", "rate": rate,
            "noise_shape": None, "seed": None}


def layer(cls, config, keras3=False, inbound=None):
    d = {"class_name": cls, "config": config}
    if keras3:
        d = {"module": "keras.layers", "class_name": cls, "config": config,
             "registered_name": None}
    if inbound is not None:
        d["name"] = config["name"]
        d["inbound_nodes"] = inbound
    return d


# ---------------------------------------------------------------- writers

class Weights:
    """Hands out value(k, shape) with a running k over the whole model."""

    def __init__(self):
        self.k = 0

    def next(self, shape, positive=False):
        v = value(self.k, shape, positive)
        self.k += 1
        return v


def conv_lstm_weights(W, kh, kw, cin, f):
    return [("kernel", W.next((kh, kw, cin, 4 * f))),
            ("recurrent_kernel", W.next((kh, kw, f, 4 * f))),
            ("bias", W.next((4 * f,)))]


def bn_weights(W, f, center=True, scale=True):
    out = []
    if scale:
        out.append(("gamma", W.next((f,))))
    if center:
        out.append(("beta", W.next((f,))))
    out.append(("moving_mean", W.next((f,))))
    out.append(("moving_variance", W.next((f,), positive=True)))
    return out


def write_legacy_weights(group, saved, backend="tensorflow", keras_version="2.4.0",
                         fixed_strings=True, split_layer_names=False):
    """save_weights_to_hdf5_group: saved = [(group name, [(weight name, array)])]."""
    names = [n for n, _ in saved]
    str_type = (lambda xs: np.array([x.encode("utf8") for x in xs])) if fixed_strings \
        else (lambda xs: np.array(xs, dtype=h5py.string_dtype()))
    if split_layer_names:
        half = (len(names) + 1) // 2
        group.attrs["layer_names0"] = str_type(names[:half])
        group.attrs["layer_names1"] = str_type(names[half:])
    else:
        group.attrs["layer_names"] = str_type(names)
    group.attrs["backend"] = backend.encode("utf8")
    group.attrs["keras_version"] = keras_version.encode("utf8")
    for name, weights in sorted(saved, key=lambda x: x[0]):
        g = group.create_group(name)
        if weights:
            g.attrs["weight_names"] = str_type([w for w, _ in weights])
        else:
            g.attrs["weight_names"] = np.array([])  # what np.asarray([]) gives Keras
        for wname, val in weights:
            d = g.create_dataset(wname, val.shape, dtype=val.dtype)
            d[:] = val


def write_h5_model(path, config, saved, keras_version, **kw):
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = keras_version
        f.attrs["model_config"] = json.dumps(config)
        write_legacy_weights(f.create_group("model_weights"), saved, keras_version=keras_version,
                             **kw)


def write_keras_zip(path, config, keras_version, layer_vars, root="layers", sep="/"):
    """layer_vars = [(path under root, [array])]; sep "\\" imitates tf.keras on Windows."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as h:
        h.create_group("vars")
        for p, arrays in layer_vars:
            full = root + sep + p.replace("/", sep)
            if sep == "\\":
                g = h.create_group(full).create_group("vars")
            else:
                g = h.require_group(full).create_group("vars")
            for i, a in enumerate(arrays):
                g[str(i)] = a
        opt = h.create_group("optimizer").create_group("vars")
        opt["0"] = np.int64(3)
    def entry(name):  # a fixed date (Keras' own entries say 1980-01-01): same bytes each run
        return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(entry("metadata.json"), json.dumps({"keras_version": keras_version,
                                                        "date_saved": "2026-12-03@00:00:00"}))
        zf.writestr(entry("config.json"), json.dumps(config))
        zf.writestr(entry("model.weights.h5"), buf.getvalue())


def sequential(layers, keras3=False):
    d = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    if keras3:
        d = {"module": "keras", "class_name": "Sequential",
             "config": {"name": "sequential", "trainable": True, "layers": layers},
             "registered_name": None}
    else:
        d["keras_version"] = "2.4.0"
        d["backend"] = "tensorflow"
    return d


def save_expected(name, y):
    np.save(os.path.join(OUT, "expected_" + name + ".npy"), y.astype(np.float32))


# ---------------------------------------------------------------- the fixtures

def seq_k2():
    """Keras 2 HDF5: ConvLSTM2D(3, 3x3, same, hard_sigmoid) + BN + Dropout + Conv3D sigmoid."""
    W = Weights()
    cl = conv_lstm_weights(W, 3, 3, 2, 3)
    bn = bn_weights(W, 3)
    head = [("kernel", W.next((3, 3, 3, 3, 1))), ("bias", W.next((1,)))]
    c_cl = conv_lstm_config("conv_lst_m2d", 3, (3, 3),
                            batch_input_shape=[None, None, None, None, 2])
    c_bn = bn_config("batch_normalization", [4], momentum=0.9, epsilon=0.001)
    c_h = conv3d_config("conv3d", 1, (3, 3, 3), "sigmoid")
    config = sequential([
        layer("InputLayer", {"batch_input_shape": [None, None, None, None, 2],
                             "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "conv_lst_m2d_input"}),
        layer("ConvLSTM2D", c_cl), layer("BatchNormalization", c_bn),
        layer("Dropout", dropout_config("dropout")), layer("Conv3D", c_h)])
    saved = [("conv_lst_m2d", [("conv_lst_m2d/" + n + ":0", v) for n, v in cl]),
             ("batch_normalization", [("batch_normalization/" + n + ":0", v) for n, v in bn]),
             ("dropout", []),
             ("conv3d", [("conv3d/" + n + ":0", v) for n, v in head])]
    write_h5_model(os.path.join(OUT, "seq_k2.h5"), config, saved, "2.4.0")
    # The same weights as a weights-only file (model.save_weights), on the root.
    with h5py.File(os.path.join(OUT, "seq_k2_weights.h5"), "w") as f:
        write_legacy_weights(f, saved, keras_version="2.4.0")
    x = model_input((4, 5, 6, 2))
    h = conv_lstm(x, cl[0][1], cl[1][1], cl[2][1], c_cl, 2)
    h = batch_norm(h, bn[0][1], bn[1][1], bn[2][1], bn[3][1], 0.001)
    save_expected("seq_k2", conv3d_same(h, head[0][1], head[1][1], "sigmoid", 2))


def seq_k2_keras3_weights():
    """The seq_k2 architecture's weights as Keras 3 model.save_weights("x.weights.h5") writes
    them (H5IOStore layout, no config): the same values as seq_k2.h5."""
    W = Weights()
    cl = conv_lstm_weights(W, 3, 3, 2, 3)
    bn = bn_weights(W, 3)
    head = [W.next((3, 3, 3, 3, 1)), W.next((1,))]
    with h5py.File(os.path.join(OUT, "seq_k2_keras3.weights.h5"), "w") as h:
        h.create_group("vars")
        for p, arrays in [("conv_lstm2d/cell", [v for _, v in cl]),
                          ("batch_normalization", [v for _, v in bn]),
                          ("dropout", []),
                          ("conv3d", head)]:
            g = h.require_group("layers/" + p).create_group("vars")
            for i, v in enumerate(arrays):
                g[str(i)] = v


def functional_k2():
    """tf.keras 2.7-style functional chain: variable-length strings, layer_names split in two
    attributes, group names unlike the configuration's, relu, 1x3 valid, a 2x2 same layer,
    return_sequences=False, then BN over axis 3 of the 4-D output."""
    W = Weights()
    a = conv_lstm_weights(W, 1, 3, 1, 4)
    b = conv_lstm_weights(W, 2, 2, 4, 2)
    bn = bn_weights(W, 2)
    c_a = conv_lstm_config("encoder", 4, (1, 3), padding="valid", activation="relu",
                           recurrent_activation="sigmoid")
    c_b = conv_lstm_config("decoder", 2, (2, 2), padding="same", recurrent_activation="sigmoid",
                           return_sequences=False)
    c_bn = bn_config("norm", [3], epsilon=0.01)

    def inbound(src):
        return [[[src, 0, 0, {}]]]

    config = {"class_name": "Functional", "config": {
        "name": "model", "layers": [
            layer("InputLayer", {"batch_input_shape": [None, 6, 4, 7, 1], "dtype": "float32",
                                 "sparse": False, "ragged": False, "name": "frames"},
                  inbound=[]),
            layer("ConvLSTM2D", c_a, inbound=inbound("frames")),
            layer("ConvLSTM2D", c_b, inbound=inbound("encoder")),
            layer("BatchNormalization", c_bn, inbound=inbound("decoder"))],
        "input_layers": [["frames", 0, 0]], "output_layers": [["norm", 0, 0]]},
        "keras_version": "2.7.0", "backend": "tensorflow"}
    saved = [("input_1", []),
             ("conv_lstm2d", [("conv_lstm2d/" + n + ":0", v) for n, v in a]),
             ("conv_lstm2d_1", [("conv_lstm2d_1/" + n + ":0", v) for n, v in b]),
             ("batch_normalization", [("batch_normalization/" + n + ":0", v) for n, v in bn])]
    write_h5_model(os.path.join(OUT, "functional_k2.h5"), config, saved, "2.7.0",
                   fixed_strings=False, split_layer_names=True)
    x = model_input((6, 4, 7, 1))
    h = conv_lstm(x, a[0][1], a[1][1], a[2][1], c_a, 2)
    h = conv_lstm(h, b[0][1], b[1][1], b[2][1], c_b, 2)
    save_expected("functional_k2",
                  batch_norm(h, bn[0][1], bn[1][1], bn[2][1], bn[3][1], 0.01)[None])


def seq_k3():
    """Keras 3 .keras: two ConvLSTM2D (sigmoid), BN with center=False, Conv3D linear."""
    W = Weights()
    a = conv_lstm_weights(W, 3, 3, 1, 2)
    b = conv_lstm_weights(W, 3, 3, 2, 2)
    bn = bn_weights(W, 2, center=False)
    head = [W.next((1, 3, 3, 2, 1)), W.next((1,))]
    c_a = conv_lstm_config("conv_lstm2d", 2, (3, 3), recurrent_activation="sigmoid",
                           keras3=True)
    c_b = conv_lstm_config("conv_lstm2d_1", 2, (3, 3), recurrent_activation="sigmoid",
                           keras3=True)
    c_bn = bn_config("batch_normalization", -1, center=False, keras3=True)
    c_h = conv3d_config("conv3d", 1, (1, 3, 3), "linear")
    config = sequential([
        layer("InputLayer", {"batch_shape": [None, None, 5, 5, 1], "dtype": "float32",
                             "sparse": False, "ragged": False, "name": "input_layer"}, True),
        layer("ConvLSTM2D", c_a, True), layer("ConvLSTM2D", c_b, True),
        layer("BatchNormalization", c_bn, True), layer("Conv3D", c_h, True)], keras3=True)
    write_keras_zip(os.path.join(OUT, "seq_k3.keras"), config, "3.12.1", [
        ("conv_lstm2d/cell", [v for _, v in a]),
        ("conv_lstm2d_1/cell", [v for _, v in b]),
        ("batch_normalization", [v for _, v in bn]),
        ("conv3d", head)])
    x = model_input((3, 5, 5, 1))
    h = conv_lstm(x, a[0][1], a[1][1], a[2][1], c_a, 3)
    h = conv_lstm(h, b[0][1], b[1][1], b[2][1], c_b, 3)
    h = batch_norm(h, bn[0][1], 0.0, bn[1][1], bn[2][1], 0.001)
    save_expected("seq_k3", conv3d_same(h, head[0], head[1], "linear", 3))
    # Keras 3 weights-only file (model.save_weights("x.weights.h5")): the same H5IOStore layout.
    with h5py.File(os.path.join(OUT, "seq_k3.weights.h5"), "w") as h:
        h.create_group("vars")
        for p, arrays in [("conv_lstm2d/cell", [v for _, v in a]),
                          ("conv_lstm2d_1/cell", [v for _, v in b]),
                          ("batch_normalization", [v for _, v in bn]),
                          ("conv3d", head)]:
            g = h.require_group("layers/" + p).create_group("vars")
            for i, v in enumerate(arrays):
                g[str(i)] = v


def tf213_windows():
    """tf.keras 2.13 .keras saved on Windows: '\\' inside group names, a group named unlike its
    layer (layer conv_lstm2d_1 stored as conv_lstm2d_2), hard_sigmoid of Keras 2."""
    W = Weights()
    a = conv_lstm_weights(W, 3, 3, 1, 2)
    b = conv_lstm_weights(W, 3, 3, 2, 1)
    c_a = conv_lstm_config("conv_lstm2d", 2, (3, 3), padding="valid")
    c_b = conv_lstm_config("conv_lstm2d_1", 1, (3, 3), padding="same",
                           recurrent_dropout=0.2)
    cfg = lambda c: {"module": "keras.layers", "class_name": c[0], "config": c[1],
                     "registered_name": None}
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "sequential", "layers": [
            cfg(("InputLayer", {"batch_input_shape": [None, 4, 6, 6, 1], "dtype": "float32",
                                "sparse": False, "ragged": False,
                                "name": "conv_lstm2d_input"})),
            cfg(("ConvLSTM2D", c_a)), cfg(("Dropout", dropout_config("dropout"))),
            cfg(("ConvLSTM2D", c_b)),
            cfg(("TimeDistributed", {"name": "time_distributed", "trainable": True,
                                     "dtype": "float32",
                                     "layer": {"class_name": "Dropout",
                                               "config": dropout_config("dropout_1")}}))]},
        "registered_name": None}
    write_keras_zip(os.path.join(OUT, "tf213_windows.keras"), config, "2.13.1", [
        ("conv_lstm2d", []), ("conv_lstm2d/cell", [v for _, v in a]),
        ("dropout", []),
        ("conv_lstm2d_2", []), ("conv_lstm2d_2/cell", [v for _, v in b]),
        ("time_distributed", [])],
        root="_layer_checkpoint_dependencies", sep="\\")
    x = model_input((4, 6, 6, 1))
    h = conv_lstm(x, a[0][1], a[1][1], a[2][1], c_a, 2)
    save_expected("tf213_windows", conv_lstm(h, b[0][1], b[1][1], b[2][1], c_b, 2))


def frames_k2():
    """tf.keras 2.9 HDF5 with the frame-wise layers: TimeDistributed Conv2D (stride 2, relu),
    LayerNormalization, a 2x2 SAME ConvLSTM2D, MaxPooling3D(1, 2, 2) SAME, TimeDistributed
    Conv2DTranspose (stride 2), a last-step-only ConvLSTM2D, BatchNormalization(axis=[3]),
    Conv2D on the last frame, Flatten, Dense softmax."""
    W = Weights()
    td1 = [W.next((3, 3, 1, 4)), W.next((4,))]
    ln = [W.next((4,)), W.next((4,))]
    cl1 = conv_lstm_weights(W, 2, 2, 4, 3)
    td2 = [W.next((3, 3, 2, 3)), W.next((2,))]
    cl2 = conv_lstm_weights(W, 3, 3, 2, 2)
    bn = bn_weights(W, 2)
    c2 = [W.next((2, 2, 2, 3)), W.next((3,))]
    dense = [W.next((27, 5)), W.next((5,))]

    def conv2d_cfg(name, filters, k, s, pad, act):
        return {"name": name, "trainable": True, "dtype": "float32", "filters": filters,
                "kernel_size": [k, k], "strides": [s, s], "padding": pad,
                "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                "activation": act, "use_bias": True,
                "kernel_initializer": init("GlorotUniform", seed=None),
                "bias_initializer": init("Zeros"), "kernel_regularizer": None,
                "bias_regularizer": None, "activity_regularizer": None,
                "kernel_constraint": None, "bias_constraint": None}

    def td(name, cls, cfg):
        return layer("TimeDistributed", {"name": name, "trainable": True, "dtype": "float32",
                                         "layer": {"class_name": cls, "config": cfg}})

    deconv = conv2d_cfg("conv2d_transpose", 2, 3, 2, "same", "linear")
    del deconv["groups"]
    deconv["output_padding"] = None
    c_cl1 = conv_lstm_config("conv_lstm2d", 3, (2, 2), padding="same")
    c_cl2 = conv_lstm_config("conv_lstm2d_1", 2, (3, 3), padding="valid", activation="relu",
                             recurrent_activation="sigmoid", return_sequences=False)
    config = sequential([
        layer("InputLayer", {"batch_input_shape": [None, 4, 9, 9, 1], "dtype": "float32",
                             "sparse": False, "ragged": False, "name": "input_1"}),
        td("time_distributed", "Conv2D", conv2d_cfg("conv2d", 4, 3, 2, "same", "relu")),
        layer("LayerNormalization", {"name": "layer_normalization", "trainable": True,
                                     "dtype": "float32", "axis": [4], "epsilon": 0.001,
                                     "center": True, "scale": True,
                                     "beta_initializer": init("Zeros"),
                                     "gamma_initializer": init("Ones"),
                                     "beta_regularizer": None, "gamma_regularizer": None,
                                     "beta_constraint": None, "gamma_constraint": None}),
        layer("ConvLSTM2D", c_cl1),
        layer("MaxPooling3D", {"name": "max_pooling3d", "trainable": True, "dtype": "float32",
                               "pool_size": [1, 2, 2], "padding": "same",
                               "strides": [1, 2, 2], "data_format": "channels_last"}),
        td("time_distributed_1", "Conv2DTranspose", deconv),
        layer("ConvLSTM2D", c_cl2),
        layer("BatchNormalization", bn_config("batch_normalization", [3])),
        layer("Conv2D", conv2d_cfg("conv2d_1", 3, 2, 1, "valid", "linear")),
        layer("Flatten", {"name": "flatten", "trainable": True, "dtype": "float32",
                          "data_format": "channels_last"}),
        layer("Dense", {"name": "dense", "trainable": True, "dtype": "float32", "units": 5,
                        "activation": "softmax", "use_bias": True,
                        "kernel_initializer": init("GlorotUniform", seed=None),
                        "bias_initializer": init("Zeros"), "kernel_regularizer": None,
                        "bias_regularizer": None, "activity_regularizer": None,
                        "kernel_constraint": None, "bias_constraint": None})])
    named = lambda n, parts: [(n + "/" + k + ":0", v) for k, v in parts]
    saved = [("time_distributed", named("time_distributed", [("kernel", td1[0]),
                                                             ("bias", td1[1])])),
             ("layer_normalization", named("layer_normalization", [("gamma", ln[0]),
                                                                   ("beta", ln[1])])),
             ("conv_lstm2d", named("conv_lstm2d", cl1)),
             ("max_pooling3d", []),
             ("time_distributed_1", named("time_distributed_1", [("kernel", td2[0]),
                                                                 ("bias", td2[1])])),
             ("conv_lstm2d_1", named("conv_lstm2d_1", cl2)),
             ("batch_normalization", named("batch_normalization", bn)),
             ("conv2d_1", named("conv2d_1", [("kernel", c2[0]), ("bias", c2[1])])),
             ("flatten", []),
             ("dense", named("dense", [("kernel", dense[0]), ("bias", dense[1])]))]
    write_h5_model(os.path.join(OUT, "frames_k2.h5"), config, saved, "2.9.0")
    x = model_input((4, 9, 9, 1))
    h = np.stack([np.maximum(conv2d_strided(f, td1[0].astype(np.float64), 2, True) + td1[1], 0)
                  for f in x])
    h = layer_norm(h, ln[0], ln[1], 0.001)
    h = conv_lstm(h, cl1[0][1], cl1[1][1], cl1[2][1], c_cl1, 2)
    h = np.stack([max_pool_same(f, 2, 2) for f in h])
    h = np.stack([conv2d_transpose(f, td2[0].astype(np.float64), 2, True) + td2[1] for f in h])
    h = conv_lstm(h, cl2[0][1], cl2[1][1], cl2[2][1], c_cl2, 2)
    h = batch_norm(h, bn[0][1], bn[1][1], bn[2][1], bn[3][1], 0.001)
    h = conv2d_strided(h, c2[0].astype(np.float64), 1, False) + c2[1]
    y = softmax(h.reshape(-1) @ dense[0].astype(np.float64) + dense[1])
    save_expected("frames_k2", y.reshape(1, 1, 1, 5))


def refusals():
    """Small files the import must refuse, each naming a layer, its class and option."""
    W = Weights()
    cl = conv_lstm_weights(W, 3, 3, 1, 1)
    base = lambda extra: conv_lstm_config("conv_lstm2d", 1, (3, 3), **extra)
    inp = layer("InputLayer", {"batch_input_shape": [None, 3, 4, 4, 1], "dtype": "float32",
                               "sparse": False, "ragged": False, "name": "input_1"})
    saved = [("conv_lstm2d", [("conv_lstm2d/" + n + ":0", v) for n, v in cl])]
    # UpSampling3D after the ConvLSTM2D: a class the library does not have.
    up = {"name": "up_sampling3d", "trainable": True, "dtype": "float32", "size": [1, 2, 2],
          "data_format": "channels_last"}
    write_h5_model(os.path.join(OUT, "refuse_upsampling.h5"),
                   sequential([inp, layer("ConvLSTM2D", base({})),
                               layer("UpSampling3D", up)]),
                   saved + [("up_sampling3d", [])], "2.7.0")
    # MaxPooling3D pooling across time (pool_size 2 in time).
    pool = {"name": "max_pooling3d", "trainable": True, "dtype": "float32",
            "pool_size": [2, 2, 2], "padding": "valid", "strides": [2, 2, 2],
            "data_format": "channels_last"}
    write_h5_model(os.path.join(OUT, "refuse_time_pool.h5"),
                   sequential([inp, layer("ConvLSTM2D", base({})),
                               layer("MaxPooling3D", pool)]),
                   saved + [("max_pooling3d", [])], "2.7.0")
    # go_backwards=true.
    write_h5_model(os.path.join(OUT, "refuse_go_backwards.h5"),
                   sequential([inp, layer("ConvLSTM2D", base({"go_backwards": True}))]),
                   saved, "2.7.0")
    # strides=2.
    write_h5_model(os.path.join(OUT, "refuse_strides.h5"),
                   sequential([inp, layer("ConvLSTM2D", base({"strides": [2, 2]}))]),
                   saved, "2.7.0")
    # Keras 3's hard_sigmoid (x/6 + 0.5), chosen by keras_version 3.
    write_h5_model(os.path.join(OUT, "keras3_hard_sigmoid.h5"),
                   sequential([inp, layer("ConvLSTM2D", base({"return_sequences": True}))]),
                   saved, "3.5.0")
    save_expected("keras3_hard_sigmoid",
                  conv_lstm(model_input((3, 4, 4, 1)), cl[0][1], cl[1][1], cl[2][1],
                            base({"return_sequences": True}), 3))
    # A functional graph that is not a chain: Add of two ConvLSTM2D branches.
    W2 = Weights()
    c1 = conv_lstm_weights(W2, 3, 3, 1, 1)
    c2 = conv_lstm_weights(W2, 3, 3, 1, 1)
    config = {"class_name": "Functional", "config": {"name": "model", "layers": [
        layer("InputLayer", {"batch_input_shape": [None, 3, 4, 4, 1], "dtype": "float32",
                             "sparse": False, "ragged": False, "name": "input_1"}, inbound=[]),
        layer("ConvLSTM2D", conv_lstm_config("left", 1, (3, 3)),
              inbound=[[["input_1", 0, 0, {}]]]),
        layer("ConvLSTM2D", conv_lstm_config("right", 1, (3, 3)),
              inbound=[[["input_1", 0, 0, {}]]]),
        layer("Add", {"name": "add", "trainable": True, "dtype": "float32"},
              inbound=[[["left", 0, 0, {}], ["right", 0, 0, {}]]])],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}}
    write_h5_model(os.path.join(OUT, "refuse_add.h5"), config,
                   [("input_1", []),
                    ("left", [("left/" + n + ":0", v) for n, v in c1]),
                    ("right", [("right/" + n + ":0", v) for n, v in c2]),
                    ("add", [])], "2.7.0")
    # A weight of the wrong shape: recurrent kernel (3, 3, 2, 4) for 1 filter.
    bad = [("conv_lstm2d/kernel:0", cl[0][1]),
           ("conv_lstm2d/recurrent_kernel:0", value(9, (3, 3, 2, 4))),
           ("conv_lstm2d/bias:0", cl[2][1])]
    write_h5_model(os.path.join(OUT, "bad_shape.h5"),
                   sequential([inp, layer("ConvLSTM2D", base({}))]),
                   [("conv_lstm2d", bad)], "2.7.0")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    seq_k2()
    seq_k2_keras3_weights()
    functional_k2()
    seq_k3()
    tf213_windows()
    frames_k2()
    refusals()
    print("wrote", sorted(os.listdir(OUT)))
