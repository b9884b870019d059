"""CF vocabulary used by the Dataset model: attributes of common GEM variables
and of vertical axes per IP1 kind (the project's own table; see docs/xarray.md).
"""
from __future__ import annotations

from typing import Any

# nomvar -> (long_name, units, standard_name or ""). GEM conventions: TT in degC,
# winds in knots along the grid axes, GZ in decametres, pressures in hPa.
VARIABLES: dict[str, tuple[str, str, str]] = {
    "TT": ("air temperature", "degC", "air_temperature"),
    "TD": ("dew point temperature", "degC", "dew_point_temperature"),
    "ES": ("dew point depression", "K", "dew_point_depression"),
    "HU": ("specific humidity", "kg kg-1", "specific_humidity"),
    "HR": ("relative humidity", "1", "relative_humidity"),
    "UU": ("wind component along the grid x axis", "knot", "x_wind"),
    "VV": ("wind component along the grid y axis", "knot", "y_wind"),
    "UV": ("wind speed", "knot", "wind_speed"),
    "WW": ("vertical motion (omega)", "Pa s-1", "lagrangian_tendency_of_air_pressure"),
    "WZ": ("upward air velocity", "m s-1", "upward_air_velocity"),
    "GZ": ("geopotential height", "dam", "geopotential_height"),
    "P0": ("surface pressure", "hPa", "surface_air_pressure"),
    "P0LS": ("large-scale surface pressure", "hPa", ""),
    "PN": ("sea level pressure", "hPa", "air_pressure_at_mean_sea_level"),
    "PT": ("pressure at the model top", "hPa", "air_pressure"),
    "PX": ("air pressure", "hPa", "air_pressure"),
    "ME": ("surface height (orography)", "m", "surface_altitude"),
    "MELS": ("large-scale surface height", "m", ""),
    "MG": ("land-sea mask (land fraction)", "1", "land_area_fraction"),
    "GL": ("sea ice fraction", "1", "sea_ice_area_fraction"),
    "NT": ("total cloud cover", "1", "cloud_area_fraction"),
    "PR": ("accumulated precipitation (liquid water equivalent)", "m",
           "lwe_thickness_of_precipitation_amount"),
    "SD": ("snow depth", "cm", "surface_snow_thickness"),
    "TM": ("sea surface temperature", "K", "sea_surface_temperature"),
    "LA": ("latitude", "degrees_north", "latitude"),
    "LO": ("longitude", "degrees_east", "longitude"),
}

# ip1 kind -> (axis name, attributes) for kinds whose meaning needs no descriptor.
# Kinds 1, 5 and 21 take their standard name and formula from the descriptor.
LEVEL_AXES: dict[int, tuple[str, dict[str, Any]]] = {
    0: ("altitude", {"standard_name": "altitude", "long_name": "height above mean sea level", "units": "m",
                     "positive": "up", "axis": "Z"}),
    1: ("level", {"long_name": "sigma / eta level", "positive": "down", "axis": "Z"}),
    2: ("pres", {"standard_name": "air_pressure", "long_name": "pressure", "units": "hPa", "positive": "down",
                 "axis": "Z"}),
    3: ("sfclevel", {"long_name": "arbitrary level code", "positive": "down", "axis": "Z"}),
    4: ("height", {"standard_name": "height", "long_name": "height above ground", "units": "m",
                   "positive": "up", "axis": "Z"}),
    5: ("level", {"long_name": "hybrid level", "positive": "down", "axis": "Z"}),
    6: ("theta", {"standard_name": "air_potential_temperature", "long_name": "potential temperature",
                  "units": "K", "positive": "up", "axis": "Z"}),
    7: ("depth", {"standard_name": "depth", "long_name": "depth below sea level", "units": "m",
                  "positive": "down", "axis": "Z"}),
    21: ("level", {"long_name": "hybrid height level", "positive": "up", "axis": "Z"}),
}

# CF standard names that are not (yet) in the CF table: written as long_name
# only, the formula kept in "formula" / "fst24_formula_terms" (CF defines
# formula_terms only for the parametric coordinates of its Appendix D).
NONSTANDARD = {"atmosphere_hybrid_sigma_ln_pressure_coordinate"}

# Parametric (Appendix D) vertical coordinates: standard name ->
# (computed_standard_name of the dimensional coordinate the formula gives,
# units of the coordinate variable or "" when dimensionless). The computed
# names assume the surface fields' standard names of VARIABLES (P0:
# surface_air_pressure, ME: surface_altitude).
PARAMETRIC: dict[str, tuple[str, str]] = {
    "atmosphere_sigma_coordinate": ("air_pressure", ""),
    "atmosphere_hybrid_sigma_pressure_coordinate": ("air_pressure", ""),
    "atmosphere_hybrid_height_coordinate": ("altitude", "m"),
    "atmosphere_sleve_coordinate": ("altitude", ""),
}

TIME = {"standard_name": "time", "long_name": "validity time", "axis": "T"}
REFTIME = {"standard_name": "forecast_reference_time", "long_name": "forecast reference (origin) time"}
LEADTIME = {"standard_name": "forecast_period", "long_name": "forecast period (deet * npas)"}

LAT = {"standard_name": "latitude", "long_name": "latitude", "units": "degrees_north"}
LON = {"standard_name": "longitude", "long_name": "longitude", "units": "degrees_east"}
RLAT = {"standard_name": "grid_latitude", "long_name": "latitude in rotated pole grid", "units": "degrees",
        "axis": "Y"}
RLON = {"standard_name": "grid_longitude", "long_name": "longitude in rotated pole grid", "units": "degrees",
        "axis": "X"}
XC = {"standard_name": "projection_x_coordinate", "long_name": "x coordinate of polar-stereographic projection",
      "units": "m", "axis": "X"}
YC = {"standard_name": "projection_y_coordinate", "long_name": "y coordinate of polar-stereographic projection",
      "units": "m", "axis": "Y"}
