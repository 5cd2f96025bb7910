"""Reference statistics with numpy and scipy.stats for src/deni/report tests.

Usage: python reference/report_check.py < REQUEST.json  -> JSON on stdout.
REQUEST is an object with any of:
  "pairs":     [[a, b], ...] lists of numbers; per pair: mean, std (ddof 0 and 1), min, max of a,
               scipy.stats.levene(a, b, center="median") and ttest_ind(a, b, equal_var=False)
  "groups":    [[g1, g2, g3, ...], ...] Brown-Forsythe over k groups (levene center="median")
  "quantiles": {"values": [...], "qs": [...]} -> numpy.percentile(values, 100 q) (linear method)
  "f_sf":      [[x, df1, df2], ...] -> scipy.stats.f.sf
  "t_two":     [[t, df], ...]       -> 2 scipy.stats.t.sf(|t|, df)
  "bootstrap": [{"values": [...], "resamples": n, "confidence": c, "seed": s}, ...]
               -> percentile intervals of the mean and the population std from
                  scipy.stats.bootstrap (its own generator: compare with a tolerance)
  "std_ratio": [{"values": [...], "reference": [...], "resamples": n, "confidence": c,
                 "seed": s}, ...]
               -> percentile interval of std(values) / std(reference) (population stds), the two
                  samples resampled independently (scipy.stats.bootstrap, paired=False)
  "sign_flip": [{"x": [...], "y": [...]}, ...]
               -> exact two-sided permutation test of mean(x - y) over pairs (x_i, y_i)
                  swapped within pairs: scipy.stats.permutation_test(permutation_type="samples",
                  n_resamples=inf), i.e. every sign pattern of the differences
"""
import json
import sys

import numpy as np
from scipy import stats


def pair(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    lev = stats.levene(a, b, center="median")
    welch = stats.ttest_ind(a, b, equal_var=False)
    return {
        "mean": float(np.mean(a)),
        "std": float(np.std(a)),
        "sample_std": float(np.std(a, ddof=1)),
        "min": float(np.min(a)),
        "max": float(np.max(a)),
        "levene_stat": float(lev.statistic),
        "levene_p": float(lev.pvalue),
        "welch_t": float(welch.statistic),
        "welch_p": float(welch.pvalue),
        "welch_df": float(welch.df),
    }


def boot(req):
    values = np.asarray(req["values"], dtype=float)
    out = {}
    for name, fn in (("mean_ci", np.mean), ("std_ci", np.std)):
        res = stats.bootstrap(
            (values,),
            fn,
            n_resamples=req["resamples"],
            confidence_level=req["confidence"],
            method="percentile",
            vectorized=False,
            rng=np.random.default_rng(req["seed"]),
        )
        out[name] = [float(res.confidence_interval.low), float(res.confidence_interval.high)]
    return out


def std_ratio(req):
    values = np.asarray(req["values"], dtype=float)
    reference = np.asarray(req["reference"], dtype=float)
    res = stats.bootstrap(
        (values, reference),
        lambda a, b, axis: np.std(a, axis=axis) / np.std(b, axis=axis),
        n_resamples=req["resamples"],
        confidence_level=req["confidence"],
        method="percentile",
        paired=False,
        vectorized=True,
        rng=np.random.default_rng(req["seed"]),
    )
    return [float(res.confidence_interval.low), float(res.confidence_interval.high)]


def sign_flip(req):
    x = np.asarray(req["x"], dtype=float)
    y = np.asarray(req["y"], dtype=float)
    res = stats.permutation_test(
        (x, y),
        lambda a, b, axis: np.mean(a - b, axis=axis),
        permutation_type="samples",
        alternative="two-sided",
        n_resamples=np.inf,
        vectorized=True,
    )
    return {"statistic": float(res.statistic), "p": float(res.pvalue)}


def main():
    req = json.load(sys.stdin)
    out = {}
    if "pairs" in req:
        out["pairs"] = [pair(a, b) for a, b in req["pairs"]]
    if "groups" in req:
        out["groups"] = []
        for groups in req["groups"]:
            res = stats.levene(*[np.asarray(g, dtype=float) for g in groups], center="median")
            out["groups"].append({"stat": float(res.statistic), "p": float(res.pvalue)})
    if "quantiles" in req:
        q = req["quantiles"]
        out["quantiles"] = [
            float(np.percentile(np.asarray(q["values"], dtype=float), 100 * x)) for x in q["qs"]
        ]
    if "f_sf" in req:
        out["f_sf"] = [float(stats.f.sf(x, d1, d2)) for x, d1, d2 in req["f_sf"]]
    if "t_two" in req:
        out["t_two"] = [float(2 * stats.t.sf(abs(t), df)) for t, df in req["t_two"]]
    if "bootstrap" in req:
        out["bootstrap"] = [boot(b) for b in req["bootstrap"]]
    if "std_ratio" in req:
        out["std_ratio"] = [std_ratio(r) for r in req["std_ratio"]]
    if "sign_flip" in req:
        out["sign_flip"] = [sign_flip(r) for r in req["sign_flip"]]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
