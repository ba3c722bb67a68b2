"""Know every waybill a packer scans: which carrier a tracking number belongs to, and whether it is valid.

The formats come from the tracking_number_data spec (``data/``, MIT) and, for
Chinese domestic couriers that publish no spec, from ``china/*.json`` in the same shape.
``identify`` is the engine; ``describe`` (messages.py) is the only place its
result is put into words.
"""

from kiosk.carriers.identify import CarrierMatch, Identification, Reason, identify
from kiosk.carriers.messages import carrier_name, describe
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
    "identify",
    "list_carriers",
    "normalise",
]
