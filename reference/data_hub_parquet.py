"""Writes Parquet files laid out like the Hugging Face Hub's Parquet conversion (refs/convert/parquet).

The Hub's converter writes each split with pyarrow through the `datasets` library: dictionary-encoded
strings, int64 ClassLabel columns, several row groups, and the features (with class names) as JSON
under the schema metadata key "huggingface". src/deni/data/hub-pyarrow.test.ts runs this script and
loads the result through the real download and reading code, so the TypeScript reader is checked
against files from the writer the Hub actually uses, not only against hyparquet-writer's output.

Usage: python reference/data_hub_parquet.py OUT_DIR
Creates OUT_DIR/nyu-mll/glue/cola/{train,validation,test}/0000.parquet (test labels are -1, as in GLUE)
and OUT_DIR/CogComp/trec/default/{train,test}/0000.parquet (zstd-compressed).
"""

import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def write(path, table, features, **kwargs):
    meta = {b"huggingface": json.dumps({"info": {"features": features}}).encode()}
    table = table.replace_schema_metadata(meta)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path, **kwargs)


def main(out):
    cola_features = {
        "sentence": {"dtype": "string", "_type": "Value"},
        "label": {"names": ["unacceptable", "acceptable"], "_type": "ClassLabel"},
        "idx": {"dtype": "int32", "_type": "Value"},
    }
    splits = {
        "train": [(f"Sentence number {i} is fine, naïvely.", i % 2) for i in range(250)],
        "validation": [("The more you eat, the fatter.", 1), ("Him went home.", 0)],
        "test": [("No label here.", -1), ("Nor here.", -1)],
    }
    for split, rows in splits.items():
        table = pa.table(
            {
                "sentence": pa.array([r[0] for r in rows], pa.string()),
                "label": pa.array([r[1] for r in rows], pa.int64()),
                "idx": pa.array(list(range(len(rows))), pa.int32()),
            }
        )
        # Small row groups: the reader must walk several of them.
        write(f"{out}/nyu-mll/glue/cola/{split}/0000.parquet", table, cola_features, row_group_size=100)

    trec_features = {
        "text": {"dtype": "string", "_type": "Value"},
        "coarse_label": {"names": ["ABBR", "ENTY", "DESC", "HUM", "LOC", "NUM"], "_type": "ClassLabel"},
        "fine_label": {"names": [f"f{i}" for i in range(50)], "_type": "ClassLabel"},
    }
    trec = {
        "train": [("What is the capital of Peru ?", 4, 32), ("Who invented the telephone ?", 3, 29)],
        "test": [("How many feet are in a mile ?", 5, 38)],
    }
    for split, rows in trec.items():
        table = pa.table(
            {
                "text": pa.array([r[0] for r in rows], pa.string()),
                "coarse_label": pa.array([r[1] for r in rows], pa.int64()),
                "fine_label": pa.array([r[2] for r in rows], pa.int64()),
            }
        )
        write(f"{out}/CogComp/trec/default/{split}/0000.parquet", table, trec_features, compression="zstd")


if __name__ == "__main__":
    main(sys.argv[1])
