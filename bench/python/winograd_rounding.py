"""Rounding of Winograd F(2x2,3x3) and F(4x4,3x3) in float32 against the direct sum in double.

One output tile per trial, 80 input channels (the seed model joint convolution), inputs
uniform in [-1, 1], kernels uniform in [-0.2, 0.2]; kernel transform in double then rounded,
everything else in float32. Prints the largest and median error as a fraction of the sum of the
terms magnitudes. Backs the F(4x4,3x3) remark in docs/PERFORMANCE.md:
    /usr/bin/python3 bench/python/winograd_rounding.py
Transform matrices: Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks" (2016).
"""
import numpy as np
rng=np.random.default_rng(0)
# 1-D matrices
BT2=np.array([[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]],dtype=np.float64)
G2=np.array([[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]])
AT2=np.array([[1,1,1,0],[0,1,-1,-1]])
BT4=np.array([[4,0,-5,0,1,0],[0,-4,-4,1,1,0],[0,4,-4,-1,1,0],[0,-2,-1,2,1,0],[0,2,-1,-2,1,0],[0,4,0,-5,0,1]],dtype=np.float64)
G4=np.array([[1/4,0,0],[-1/6,-1/6,-1/6],[-1/6,1/6,-1/6],[1/24,1/12,1/6],[1/24,-1/12,1/6],[0,0,1]])
AT4=np.array([[1,1,1,1,1,0],[0,1,-1,2,-2,0],[0,1,1,4,4,0],[0,1,-1,8,-8,1]],dtype=np.float64)
def wino(d,g,BT,G,AT,C):
    # d: [C, a, a], g: [C, 3,3]; float32 arithmetic
    f=np.float32
    U=np.einsum('ij,cjk,lk->cil',G,g.astype(np.float64),G).astype(f)  # kernel transform in double, rounded
    BTf=BT.astype(f); ATf=AT.astype(f)
    V=np.einsum('ij,cjk,lk->cil',BTf,d,BTf).astype(f)
    M=np.einsum('cij,cij->ij',U,V).astype(f)  # sum over channels in float32 (einsum may use higher prec.)
    Y=(ATf@M@ATf.T).astype(f)
    return Y
C=80
errs={2:[],4:[]}
for trial in range(200):
    g=rng.uniform(-0.2,0.2,(C,3,3)).astype(np.float32)
    for m,(BT,G,AT) in {2:(BT2,G2,AT2),4:(BT4,G4,AT4)}.items():
        a=m+2
        d=rng.uniform(-1,1,(C,a,a)).astype(np.float32)
        Y=wino(d,g,BT,G,AT,C)
        # direct in double
        ref=np.zeros((m,m)); absr=np.zeros((m,m))
        for y in range(m):
            for x in range(m):
                t=d[:,y:y+3,x:x+3].astype(np.float64)*g.astype(np.float64)
                ref[y,x]=t.sum(); absr[y,x]=np.abs(t).sum()
        errs[m].append(np.max(np.abs(Y-ref)/absr))
for m in errs: print('F(%dx%d,3x3): max rel err (of sum|terms|) %.2e, median %.2e'%(m,m,max(errs[m]),np.median(errs[m])))
