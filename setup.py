"""Builds the package with its browser assets: geo/vendor/ is copied from node_modules/
(`npm ci`) by geo/assets.py before the files are collected, so `pip install .` ships them."""

import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithAssets(build_py):
    def run(self):
        # By path: importing the geo package would need its dependencies at build time.
        spec = importlib.util.spec_from_file_location("geo_assets", HERE / "geo" / "assets.py")
        assets = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # dataclasses look it up
        spec.loader.exec_module(assets)
        assets.vendor(HERE / "node_modules", HERE / "geo")
        super().run()


setup(cmdclass={"build_py": BuildWithAssets})
