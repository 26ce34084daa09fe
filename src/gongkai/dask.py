"""Reading a corpus on Dask: a file list becomes a bag or a dataframe of records (``gongkai[dask]``).

>>> from distributed import Client                                   # doctest: +SKIP
>>> client = Client("tcp://scheduler:8786")  # or LocalCluster()     # doctest: +SKIP
>>> import gongkai.dask
>>> df = gongkai.dask.to_dask_dataframe(paths)                      # doctest: +SKIP
>>> gongkai.dask.to_parquet(paths, "reports.parquet")               # doctest: +SKIP

Each task reads its files with :func:`gongkai._corpus.read_one` on the worker: the paths must
be readable there (a shared file system), and gongkai (with the readers the files need) must be
installed on every worker.  Variants are found on the workers the way gongkai always finds them
(its own, and other packages' ``gongkai.variants`` entry points), never from a ``register`` call
made in the client's process.  A file that fails is a row with its ``error``, as with
:func:`gongkai.read_many`.  The columns and their types are those of :func:`gongkai.to_arrow`.

Dask is imported when these functions are called, not when gongkai is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ._corpus import read_one
from ._errors import GongkaiError

__all__ = ["read_bag", "to_dask_dataframe", "to_parquet"]

PathLike = str | os.PathLike[str]


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise GongkaiError("gongkai.dask needs Dask: pip install 'gongkai[dask]'") from None


def _chunks(paths: Sequence[PathLike], size: int) -> list[list[str]]:
    names = [os.fspath(p) for p in paths]
    return [names[i : i + size] for i in range(0, len(names), size)] or [[]]


def _wide(path: str, variant: str | None, panel: bool) -> dict[str, Any]:
    from ._export import wide_rows

    return next(wide_rows([read_one(path, variant=variant)], panel=panel))


def read_bag(
    paths: Sequence[PathLike], *, variant: str | None = None, panel: bool = False, partition_size: int = 50
) -> Any:
    """A ``dask.bag.Bag`` of the files' wide rows (dicts: provenance, then record keys; counts
    ``int``, money ``Decimal``), ``partition_size`` files per partition."""
    db = _need("dask.bag")
    names = [os.fspath(p) for p in paths]
    n = max(1, -(-len(names) // partition_size))
    return db.from_sequence(names, npartitions=n).map(_wide, variant, panel)


def _frame(chunk: list[str], variant: str | None, panel: bool, long: bool) -> Any:
    from ._export import to_dataframe

    return to_dataframe([read_one(p, variant=variant) for p in chunk], long=long, panel=panel)


def to_dask_dataframe(
    paths: Sequence[PathLike],
    *,
    variant: str | None = None,
    panel: bool = False,
    long: bool = False,
    partition_size: int = 50,
) -> Any:
    """A ``dask.dataframe.DataFrame`` of the files: one partition per ``partition_size`` files,
    typed like :func:`gongkai.to_dataframe` (counts ``Int64``, money ``decimal128(38, 6)``)."""
    dd = _need("dask.dataframe")
    from ._export import to_dataframe

    meta = to_dataframe([], long=long, panel=panel)
    return dd.from_map(
        _frame,
        _chunks(paths, partition_size),
        variant=variant,
        panel=panel,
        long=long,
        meta=meta,
        enforce_metadata=False,
    )


def to_parquet(
    paths: Sequence[PathLike],
    path: str,
    *,
    variant: str | None = None,
    panel: bool = False,
    long: bool = False,
    partition_size: int = 50,
    **kwargs: Any,
) -> None:
    """Read the files on Dask and write them to a Parquet dataset at ``path`` (a directory,
    one file per partition), with the schema of :func:`gongkai._export.schema`.  ``kwargs`` go
    to ``dask.dataframe.DataFrame.to_parquet`` (``storage_options`` for object stores, …)."""
    from ._export import schema

    df = to_dask_dataframe(paths, variant=variant, panel=panel, long=long, partition_size=partition_size)
    df.to_parquet(path, schema=schema(long=long, panel=panel), write_index=False, **kwargs)
