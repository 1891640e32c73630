"""The ``mlflow`` model registry: versions and stages mirrored into MLflow's registry.

Each stackctl model is a registered model of the same name; each stackctl version is an
MLflow model version whose ``source`` is the model artifact, tagged ``stackctl.version``
and ``stackctl.run_id`` (MLflow numbers its versions itself, so the tag is the link). A
stage is mirrored both ways MLflow knows: as an alias (``production``, ``staging``:
MLflow's current way) and as the older ``current_stage`` (Staging/Production/Archived),
which MLflow 3 still supports but deprecates; the alias is what lasts.

The default store is a SQLite database under .stackctl/ (mlflow-skinny with SQLAlchemy:
the `mlflow` extra). mlflow is imported only when a registry is used.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from stackctl.components import mlflow_credentials
from stackctl.components.model_registries.base import ModelRegistry
from stackctl.components.provisioner import Observation
from stackctl.errors import ProvisionError, StackctlError
from stackctl.model import EXCLUSIVE_STAGES, ModelDecl, ModelVersion, StageChange

if TYPE_CHECKING:
    from mlflow.tracking import MlflowClient

#: The store when ``tracking_uri`` is null, relative to the project root.
DEFAULT_DB = ".stackctl/mlflow/registry.db"
#: The experiment whose runs hold model files uploaded to a registry server.
MODELS_EXPERIMENT = "stackctl-models"


def tracking_uri(config: Mapping[str, Any], root: Path) -> str:
    uri = config.get("tracking_uri")
    return str(uri) if uri else f"sqlite:///{(root / DEFAULT_DB).resolve()}"


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///PATH`` URI (None for other stores)."""
    return Path(uri[len("sqlite:///") :]) if uri.startswith("sqlite:///") else None


class MlflowModelRegistry:
    """``tracking_uri`` (default: SQLite under .stackctl/mlflow) and optional
    ``username`` / ``password`` / ``token`` (write them as ``${secret:NAME}``)."""

    def __init__(self, name: str, config: Mapping[str, Any], root: Path) -> None:
        self.name = name
        self.tracking_uri = tracking_uri(config, root)
        self._credentials = mlflow_credentials.from_config(config)
        self._client: MlflowClient | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_client": None}

    @contextmanager
    def session(self) -> Iterator[MlflowClient]:
        """The client, with credentials in the environment only while it is used (the
        MLflow client reads them from there on each request)."""
        with mlflow_credentials.lent(self._credentials):
            if self._client is None:
                from mlflow.tracking import MlflowClient

                self._client = MlflowClient(self.tracking_uri, registry_uri=self.tracking_uri)
            with warnings.catch_warnings():  # stage transitions: deprecated, still mirrored
                warnings.simplefilter("ignore", FutureWarning)
                yield self._client

    def register_version(self, model: ModelDecl, version: ModelVersion, source: str) -> None:
        with self.session() as client:
            self._ensure_model(client, model)
            if self._mlflow_version(client, model.name, version.version) is not None:
                return
            source, run_id = self._uploaded(client, model.name, version, source)
            client.create_model_version(
                model.name,
                source=source or f"stackctl://{model.name}/{version.version}",
                run_id=run_id,
                tags={
                    "stackctl.version": str(version.version),
                    "stackctl.run_id": version.run_id,
                    "stackctl.pipeline": version.pipeline,
                },
                description=f"stackctl {model.name}:{version.version} (run {version.run_id})",
            )

    def _uploaded(
        self, client: MlflowClient, name: str, version: ModelVersion, source: str
    ) -> tuple[str, str | None]:
        """A server refuses a local file as a version's source (it cannot read this
        machine's disk): the file goes up as an artifact of an MLflow run in the
        ``stackctl-models`` experiment and the version points at that run."""
        if not self.tracking_uri.startswith(("http://", "https://")):
            return source, None
        if not source.startswith("file:"):
            return source, None
        path = Path(url2pathname(urlsplit(source).path))
        found = client.get_experiment_by_name(MODELS_EXPERIMENT)
        experiment = found.experiment_id if found else client.create_experiment(MODELS_EXPERIMENT)
        run = client.create_run(
            experiment,
            run_name=f"{name}:{version.version}",
            tags={"stackctl.run_id": version.run_id, "stackctl.version": str(version.version)},
        )
        client.log_artifact(run.info.run_id, str(path), "model")
        client.set_terminated(run.info.run_id)
        return f"runs:/{run.info.run_id}/model/{path.name}", run.info.run_id

    def set_stages(self, model: str, changes: Sequence[StageChange]) -> None:
        with self.session() as client:
            for change in changes:
                number = self._mlflow_version(client, model, change.version)
                if number is None:
                    continue  # made before the registry was added to the stack
                if change.from_stage in EXCLUSIVE_STAGES:
                    _drop_alias(client, model, change.from_stage, number)
                if change.to_stage in EXCLUSIVE_STAGES:
                    client.set_registered_model_alias(model, change.to_stage, number)
                client.transition_model_version_stage(model, number, change.to_stage.title())

    def _ensure_model(self, client: MlflowClient, model: ModelDecl) -> None:
        from mlflow.exceptions import MlflowException

        tags = dict.fromkeys(model.tags, "")
        try:
            client.get_registered_model(model.name)
        except MlflowException:
            try:
                client.create_registered_model(model.name, tags, model.description or None)
                return
            except MlflowException:  # another process created it meanwhile
                pass
        if model.description:
            client.update_registered_model(model.name, model.description)

    def _mlflow_version(self, client: MlflowClient, model: str, version: int) -> str | None:
        """MLflow's number of stackctl's ``version`` (through its tag)."""
        for found in client.search_model_versions(f"name = '{model}'"):
            if found.tags.get("stackctl.version") == str(version):
                return str(found.version)
        return None


def _drop_alias(client: MlflowClient, model: str, alias: str, number: str) -> None:
    from mlflow.exceptions import MlflowException

    try:
        if str(client.get_model_version_by_alias(model, alias).version) == number:
            client.delete_registered_model_alias(model, alias)
    except MlflowException:
        pass  # no such alias: nothing to drop


class MlflowRegistryProvisioner:
    """create = make the store (SQLite: create the database and MLflow's tables) or
    check a server answers; observe = the database file is there / the server answers;
    delete = nothing (registered models are user data)."""

    def create(self, config: Mapping[str, Any], root: Path) -> Mapping[str, Any]:
        uri = tracking_uri(config, root)
        path = sqlite_path(uri)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with MlflowModelRegistry("provision", config, root).session() as client:
                client.search_registered_models(max_results=1)  # creates the tables
        except StackctlError:
            raise
        except Exception as exc:
            raise ProvisionError(
                f"MLflow model registry at {_shown(uri, root)} cannot be used: "
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}",
                hint="check `tracking_uri` (is the server up? are the credentials right?)",
            ) from None
        return {"tracking_uri": _shown(uri, root)}

    def update(
        self, old: Mapping[str, Any], new: Mapping[str, Any], root: Path
    ) -> Mapping[str, Any]:
        return self.create(new, root)

    def observe(self, config: Mapping[str, Any], root: Path) -> Observation:
        uri = tracking_uri(config, root)
        path = sqlite_path(uri)
        if path is not None:
            if path.is_file():
                return Observation(True, {"tracking_uri": _shown(uri, root)})
            return Observation(False, detail=f"MLflow store {_shown(uri, root)} is missing")
        try:
            with MlflowModelRegistry("observe", config, root).session() as client:
                client.search_registered_models(max_results=1)
        except Exception as exc:
            return Observation(False, detail=f"MLflow registry {uri} does not answer: {exc}")
        return Observation(True, {"tracking_uri": uri})

    def delete(self, config: Mapping[str, Any], root: Path) -> None:
        return None


def _shown(uri: str, root: Path) -> str:
    """The URI as state and messages show it: a default store relative to the project."""
    path = sqlite_path(uri)
    if path is not None:
        try:
            return f"sqlite:///{path.relative_to(root.resolve())}"
        except ValueError:
            return uri
    return uri


if TYPE_CHECKING:  # static proof that the class satisfies the contract
    _registry: type[ModelRegistry] = MlflowModelRegistry
