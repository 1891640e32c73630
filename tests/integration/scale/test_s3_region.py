"""Issue 13: a bucket is created in any region, us-east-1 included (it takes no
LocationConstraint, and S3 refuses one naming it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackctl.components.artifact_stores.fsspec_provision import S3Provisioner


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_the_bucket_is_created_in_its_region(s3_config, s3, region, tmp_path: Path):
    config = {**s3_config, "region": region}
    bucket = config["uri"].removeprefix("s3://").split("/", 1)[0]
    S3Provisioner().create(config, tmp_path)
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    location = s3.get_bucket_location(Bucket=bucket)["LocationConstraint"]
    assert (location or "us-east-1") == region
