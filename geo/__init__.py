"""geo: sourced layers in, publishable maps of the Jaffar Express hijacking out.

The public Python API:

>>> from geo import load_layers, Route
>>> layers = load_layers("layers")
>>> route = Route.from_layers(layers)
>>> route.locate(67.63, 29.64).km_from_quetta  # doctest: +SKIP
"""

from geo.chainage import Chainage, Route, chainage
from geo.errors import GeoError, LayerError
from geo.layers import load_layer, load_layers

__all__ = ["Chainage", "GeoError", "LayerError", "Route", "chainage", "load_layer", "load_layers"]
__version__ = "0.1.0"
