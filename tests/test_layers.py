"""Content of the six layers: what a journalist relies on being there."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.conftest import LAYERS, read_layer

BOLAN_SECTION = [
    "Sibi",
    "Mushkaf",
    "Pehro Kunri",
    "Panir",
    "Peshi",
    "Aab-e-Gum",
    "Mach",
    "Hirok",
    "Dozan",
    "Kolpur",
    "Spezand",
    "Sar-i-Ab",
    "Quetta",
]
CORRIDOR_STOPS = [
    "Quetta",
    "Sibi",
    "Jacobabad",
    "Rohri",
    "Bahawalpur",
    "Multan Cantt",
    "Sahiwal",
    "Lahore",
    "Gujranwala",
    "Jhelum",
    "Rawalpindi",
    "Peshawar Cantt",
]


def props(name: str) -> list[dict]:
    return [f["properties"] for f in read_layer(name)["features"]]


def test_bolan_section_and_corridor_stops_present_in_route_order():
    names = [p["name"] for p in props("stations")]
    for name in BOLAN_SECTION + CORRIDOR_STOPS:
        assert name in names, name
    bolan = [names.index(n) for n in reversed(BOLAN_SECTION)]
    assert bolan == sorted(bolan)  # Quetta first, Sibi last of the section
    corridor = [names.index(n) for n in CORRIDOR_STOPS]
    assert corridor == sorted(corridor)


def test_every_station_states_how_its_position_was_found():
    for p in props("stations"):
        assert p["position_basis"] and p["position_accuracy_m"] > 0, p["id"]
        assert p["jaffar_express_stop"] in ("yes", "no", "unconfirmed"), p["id"]
        assert p["km_posts"], p["id"]


def test_peshawar_terminus_chainage_matches_the_published_quetta_rawalpindi_distance():
    by_name = {p["name"]: p for p in props("stations")}
    # Wikipedia's Jaffar Express article gives 1,458 km Quetta - Rawalpindi (Quetta-Rawalpindi era).
    assert by_name["Rawalpindi"]["km_from_quetta"] == pytest.approx(1458, abs=2)
    assert by_name["Peshawar Cantt"]["km_from_quetta"] > by_name["Rawalpindi"]["km_from_quetta"]


def test_every_railway_segment_says_how_good_its_geometry_is():
    segments = props("railway")
    assert all(p["geometry_quality"] in ("surveyed", "schematic") for p in segments)
    assert segments[0]["from_station"] == "quetta" and segments[-1]["to_station"] == "peshawar-cantt"


def test_events_are_single_claims_with_aware_times():
    for p in props("events"):
        assert isinstance(p["claimed_by"], str) and p["claimed_by"], p["id"]
        assert datetime.fromisoformat(p["time"]).utcoffset() is not None


@pytest.mark.parametrize(
    "figure, value, party",
    [
        ("passengers_aboard", 425, "security officials"),
        ("passengers_aboard_min", 450, "railway officials"),
        ("passengers_aboard_min", 400, "security officials"),
        ("hostages", 214, "BLA"),
        ("rescued", 190, "security officials"),  # a security source (AFP, PTI), not government officials: issue 25
        ("killed_attackers", 33, "ISPR"),
        ("killed_passengers", 21, "ISPR"),
        ("killed_security", 4, "ISPR"),
        ("executed_claimed", 50, "BLA"),
    ],
)
def test_disputed_figures_kept_apart_with_their_claimant(figure, value, party):
    matches = [p for p in props("events") if p.get("figures", {}).get(figure) == value]
    assert matches, (figure, value)
    assert any(p["claimed_by"] == party for p in matches)


def test_events_from_the_shared_reports_cite_outlet_and_date_not_files():
    for p in props("events") + props("staging") + props("stations") + props("tunnels"):
        for source in p["sources"]:
            assert ".txt" not in source["outlet"] and "shared" not in source.get("url", "")


def test_staging_points_cover_the_rescue_chain():
    ids = {p["id"] for p in props("staging")}
    assert {"panir-station", "mach-railway-station", "quetta-railway-station", "quetta-hospitals"} <= ids


def test_tunnel_8_is_the_hijacking_site_and_its_km_uncertainty_includes_its_stations():
    tunnels = {p["id"]: p for p in props("tunnels")}
    stations = {p["id"]: p for p in props("stations")}
    record = json.loads((LAYERS / "events" / "jaffar-express-2025-03-11.geojson").read_text(encoding="utf-8"))
    assert record["incident"]["site"]["place"] == "tunnel-8"
    t8 = tunnels["tunnel-8"]
    either_side = max(stations[s]["position_accuracy_m"] for s in t8["between_stations"])
    assert t8["km_uncertainty"] * 1000 >= t8["position_accuracy_m"] + either_side
    assert t8["reported_locations"] and t8["tunnel_counts_reported"]


def test_tunnels_placed_between_stations_are_the_stretch_between_them():
    stations = {p["id"]: p for p in props("stations")}
    for feature in read_layer("tunnels")["features"]:
        p = feature["properties"]
        if feature["geometry"]["type"] != "LineString" or "near_station" in p:
            continue
        kms = sorted(stations[s]["km_from_quetta"] for s in p["between_stations"])
        assert [p["km_from_quetta_start"], p["km_from_quetta_end"]] == kms, p["id"]
        assert p["position_basis"] and p["sources"], p["id"]
        assert p["position_accuracy_m"] == max(stations[s]["position_accuracy_m"] for s in p["between_stations"])


def test_tunnels_placed_near_a_station_span_the_distance_either_side():
    stations = {p["id"]: p for p in props("stations")}
    near = [f for f in read_layer("tunnels")["features"] if "near_station" in f["properties"]]
    assert near, "the Panir tunnel is placed by its distance from Panir station"
    for feature in near:
        p = feature["properties"]
        station = stations[p["near_station"]]
        assert feature["geometry"]["type"] == "LineString", p["id"]
        assert p["km_from_quetta_start"] == round(station["km_from_quetta"] - p["distance_from_station_km"], 1)
        assert p["km_from_quetta_end"] == round(station["km_from_quetta"] + p["distance_from_station_km"], 1)
        assert p["position_accuracy_m"] == station["position_accuracy_m"] and p["position_basis"] and p["sources"]


def test_name_ur_given_with_an_urdu_source():
    for p in props("stations") + props("staging") + props("tunnels") + props("provinces") + props("boundary"):
        if "name_ur" in p:
            assert any("Urdu" in s["outlet"] for s in p["sources"]), p["id"]
