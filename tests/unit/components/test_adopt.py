"""The adopt hook of each flavor (`stackctl import`): exists and is what config says,
or a ProvisionError saying which; never changes reality."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.services import free_port

from stackctl.components.artifact_stores.fsspec_provision import FsspecProvisioner
from stackctl.components.artifact_stores.local import LocalProvisioner
from stackctl.components.experiment_trackers.mlflow_provision import (
    MlflowProvisioner,
    public,
)
from stackctl.components.orchestrators.dask import DaskProvisioner
from stackctl.components.provisioner import Adopter
from stackctl.errors import ProvisionError


def test_every_builtin_provisioner_with_something_real_can_adopt() -> None:
    from stackctl.engine.flavors import provisioner

    for type_, flavor in [
        ("artifact_store", "local"),
        ("artifact_store", "s3"),
        ("artifact_store", "fsspec"),
        ("experiment_tracker", "mlflow"),
        ("orchestrator", "dask"),
    ]:
        assert callable(getattr(provisioner(type_, flavor), "adopt", None)), (type_, flavor)
    assert provisioner("orchestrator", "local") is None  # nothing real: refused by import


def test_local_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    prov: Adopter = LocalProvisioner()
    assert prov.adopt({"path": "data"}, "data", tmp_path) == {"path": str(tmp_path / "data")}
    assert prov.adopt({"path": "data"}, str(tmp_path / "data"), tmp_path)  # absolute id too
    with pytest.raises(ProvisionError, match="is not the folder the config declares"):
        prov.adopt({"path": "data"}, "other", tmp_path)
    with pytest.raises(ProvisionError, match="gone: it does not exist\n"):
        prov.adopt({"path": "gone"}, "gone", tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ProvisionError, match=r"it does not exist \(it is a file\)"):
        prov.adopt({"path": "file"}, "file", tmp_path)
    assert not (tmp_path / "gone").exists()


def test_fsspec_location(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    prov = FsspecProvisioner()
    uri = (tmp_path / "store").as_uri()
    assert prov.adopt({"uri": uri}, uri, tmp_path) == {"uri": f"file://{tmp_path / 'store'}"}
    assert prov.adopt({"uri": "store"}, "store", tmp_path)  # relative = under the root
    with pytest.raises(ProvisionError, match="is not the location the config declares"):
        prov.adopt({"uri": uri}, "memory://elsewhere", tmp_path)
    with pytest.raises(ProvisionError, match="it does not exist"):
        prov.adopt({"uri": "memory://never"}, "memory://never", tmp_path)


def test_mlflow_file_store(tmp_path: Path) -> None:
    prov = MlflowProvisioner()
    store = tmp_path / ".stackctl" / "mlruns"
    with pytest.raises(ProvisionError, match=r"folder .*mlruns does not exist"):
        prov.adopt({}, store.as_uri(), tmp_path)
    store.mkdir(parents=True)
    assert prov.adopt({}, store.as_uri(), tmp_path) == {"tracking_uri": store.as_uri()}
    assert prov.adopt({}, ".stackctl/mlruns", tmp_path)  # a plain folder, as MLflow takes it
    with pytest.raises(ProvisionError, match="is not the tracking store the config declares"):
        prov.adopt({}, (tmp_path / "other").as_uri(), tmp_path)
    # create/observe only record the URI: a tracking store is never made or removed here
    assert prov.create({}, tmp_path) == {"tracking_uri": store.as_uri()}
    assert prov.observe({"tracking_uri": "http://x"}, tmp_path).exists


def test_mlflow_server_that_does_not_answer(tmp_path: Path) -> None:
    uri = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ProvisionError, match="no MLflow server answers at"):
        MlflowProvisioner().adopt({"tracking_uri": uri}, uri, tmp_path)


@given(user=st.text(min_size=1, max_size=12), password=st.text(min_size=1, max_size=12))
def test_mlflow_outputs_never_carry_credentials(user: str, password: str) -> None:
    from urllib.parse import quote

    uri = f"https://{quote(user, safe='')}:{quote(password, safe='')}@mlflow.example:5000/x"
    assert public(uri) == "https://mlflow.example:5000/x"


def test_dask_scheduler(tmp_path: Path) -> None:
    prov = DaskProvisioner()
    with pytest.raises(ProvisionError, match="declares `address: null`"):
        prov.adopt({"address": None}, "tcp://127.0.0.1:8786", tmp_path)
    with pytest.raises(ProvisionError, match="is not the dask scheduler the config declares"):
        prov.adopt({"address": "tcp://10.0.0.1:8786"}, "tcp://10.0.0.2:8786", tmp_path)
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ProvisionError, match="did not answer"):
        prov.adopt({"address": address, "timeout": 1}, address, tmp_path)


def test_dask_scheduler_that_answers(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=0, processes=False, scheduler_port=0, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert DaskProvisioner().adopt({"address": address}, address, tmp_path) == {
            "address": address
        }
