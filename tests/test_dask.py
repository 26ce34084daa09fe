"""gongkai.dask on a real distributed.LocalCluster of two worker processes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import FIXTURES, SEEDS

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def client() -> Any:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_a_file_list_becomes_a_dataframe_and_a_parquet_dataset(client: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import gongkai.dask

    bad = tmp_path / "letter.txt"
    bad.write_text("Dear reader,\n", encoding="utf-8")
    paths = [*SEEDS, FIXTURES / "edition2019" / "synthetic_2019.tsv.txt", bad]

    rows = gongkai.dask.read_bag(paths, partition_size=2).compute()
    assert [r["file"] for r in rows] == [str(p) for p in paths]
    assert rows[-1]["error"] and rows[-2]["active.procurement.amount"] == Decimal("251000")

    df = gongkai.dask.to_dask_dataframe(paths, partition_size=3)
    assert df.npartitions == 3
    local = df.compute()
    assert str(local["requests.new.total"].dtype) == "Int64"
    assert list(local["file"]) == [str(p) for p in paths]

    out = tmp_path / "reports.parquet"
    gongkai.dask.to_parquet(paths, str(out), partition_size=3)
    table = pq.read_table(out)
    assert table.num_rows == len(paths)
    assert table.schema.field("active.fees.amount").type == pa.decimal128(38, 6)
    assert table.schema.field("requests.new.total").type == pa.int64()
    # every worker read files: the work really ran on the cluster's processes
    assert len(client.scheduler_info()["workers"]) == 2
