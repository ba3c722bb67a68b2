"""Know every waybill a packer scans: which carrier a tracking number belongs to, and whether it is valid.

The formats come from the tracking_number_data spec (``data/``, MIT) and, for
Chinese domestic couriers that publish no spec, from ``china/*.json`` in the same shape.
``identify`` is the engine; ``describe`` and ``explain`` (messages.py) are the only places its
result is put into words, at the desk and at a command line.
"""

from kiosk.carriers.identify import CarrierMatch, Identification, Reason, identify
from kiosk.carriers.messages import carrier_name, describe, explain
from kiosk.carriers.registry import list_carriers
from kiosk.carriers.requested import carrier_from_text
from kiosk.carriers.scan import normalise

__all__ = [
    "CarrierMatch",
    "Identification",
    "Reason",
    "carrier_from_text",
    "carrier_name",
    "describe",
    "explain",
    "identify",
    "list_carriers",
    "normalise",
]
