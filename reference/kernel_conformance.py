"""Conformance of the DENI kernel (src/kernel-bridge) with jupyter_kernel_test.

Run against an installed `deni` kernelspec, for example:

    node dist/kernel.mjs install --jupyter-path /tmp/deni-jp
    JUPYTER_PATH=/tmp/deni-jp .venv/bin/python -m unittest -v reference/kernel_conformance.py

(src/kernel-bridge/conformance.test.ts does exactly this with a fresh build.) Every sample below
exercises something the kernel implements; the pager payload (test_pager) and the iopub welcome
message (protocol 5.4) are not implemented and stay skipped.
"""
from __future__ import annotations

import unittest

import jupyter_kernel_test as jkt


class DeniKernelTests(jkt.KernelTests):
    kernel_name = "deni"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('to stderr')"

    completion_samples = [
        {"text": "%deni rep", "matches": {"report"}},
        {"text": "%%deni sw", "matches": {"sweep"}},
        {"text": "%de", "matches": {"%deni"}},
        {"text": "JSO", "matches": {"JSON"}},
    ]

    complete_code_samples = ["1 + 1", "let x: number = 1", "%deni help", "%%deni sweep\nname: a"]
    incomplete_code_samples = ["function f() {", "let a = [1,", "%%deni sweep"]
    invalid_code_samples = ["let x = ]", "1 +* 2"]

    code_generate_error = "throw new Error('boom')"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'de' + 'ni'", "result": "'deni'"},
        {"code": "const xs: number[] = [1, 2, 3]; xs.map(x => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": "display.html('<b>deni</b>')", "mime": "text/html"},
        {"code": "display({ a: 1 })", "mime": "text/plain"},
        {"code": "display.markdown('# title')", "mime": "text/markdown"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6*"

    code_inspect_sample = "%deni report"

    code_clear_output = "display.clear()"


if __name__ == "__main__":
    unittest.main()
