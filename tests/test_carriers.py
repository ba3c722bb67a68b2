"""Tracking numbers: every courier format of the spec data and the Chinese couriers, identified and validated."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.carriers import (
    Reason,
    carrier_from_text,
    carrier_name,
    describe,
    identify,
    list_carriers,
    normalise,
)
from kiosk.carriers.identify import find_matches
from kiosk.carriers.registry import S10_COURIER, S10_OPERATORS, registry
from kiosk.carriers.ruby_regex import RegexTranslationError, translate
from kiosk.i18n import set_language
from kiosk.tracking import check_tracking_format

FORMATS = registry().formats
VALID = [(fmt, number) for fmt in FORMATS for number in fmt.valid_examples]
INVALID = [(fmt, number) for fmt in FORMATS for number in fmt.invalid_examples]
CHECKED = [(fmt, number) for fmt, number in VALID if fmt.has_check_digit]


def _id(pair) -> str:
    fmt, number = pair
    return f"{fmt.id}:{number.strip()}"


def _carriers_for(fmt) -> set[str]:
    """The carrier ids a format's number may count as (an S10 number as its issuing post)."""
    if fmt.courier_id == S10_COURIER:
        return {S10_COURIER, *S10_OPERATORS.values()}
    return {fmt.courier_id}


def _check_digit_span(fmt, number: str) -> tuple[str, int, int]:
    for text in normalise(number).candidates():
        found = fmt.regex.fullmatch(text)
        if found:
            start, end = found.span(fmt.translation.groups["CheckDigit"][0])
            return text, start, end
    raise AssertionError(f"{number} does not match {fmt.id}")


# -- the spec data ---------------------------------------------------------------------------------


def test_every_format_of_the_data_is_understood():
    assert registry().problems == ()
    upstream = [f for f in FORMATS if registry().carriers[f.courier_id].source == "tracking_number_data"]
    assert len(upstream) >= 30
    assert len({f.id for f in FORMATS}) == len(FORMATS)


def test_the_spec_data_ships_with_its_licence():
    data = resources.files("kiosk.carriers").joinpath("data")
    assert "MIT License" in data.joinpath("LICENSE").read_text(encoding="utf-8")
    assert data.joinpath("CHECKSUM_ALGORITHMS.md").is_file()
    assert data.joinpath("glossary.json").is_file()


@pytest.mark.parametrize(("fmt", "number"), VALID, ids=[_id(p) for p in VALID])
def test_valid_test_number_is_identified_as_its_carrier(fmt, number):
    result = identify(number)
    mine = [m for m in result.matches if m.format_id == fmt.id]
    assert mine, f"{number} not recognised as {fmt.id}: {result.matches}"
    assert mine[0].check_digit_ok is (True if fmt.has_check_digit else None)
    assert mine[0].carrier_id in _carriers_for(fmt)
    # Whatever else it fits, the carrier the order expects settles it.
    expected = identify(number, carrier=mine[0].carrier_id)
    assert expected.valid and expected.carrier.format_id == fmt.id
    assert result.valid or result.ambiguous
    # What the kiosk stores passes the storage rules and is found again as the same carrier.
    assert check_tracking_format(expected.number) == expected.number
    again = identify(expected.number, carrier=mine[0].carrier_id)
    assert again.valid and again.number == expected.number


@pytest.mark.parametrize(("fmt", "number"), INVALID, ids=[_id(p) for p in INVALID])
def test_invalid_test_number_is_refused(fmt, number):
    result = identify(number)
    assert not [m for m in result.matches if m.format_id == fmt.id and m.acceptable]
    siblings = {normalise(n).text for f in FORMATS if f.courier_id == fmt.courier_id for n in f.valid_examples}
    if normalise(number).text not in siblings:
        # Data quirk: an invalid example of one format can be a valid example of a sibling
        # (Purolator alpha lists 331426749957, a valid Purolator 12); only then may the carrier accept it.
        assert not identify(number, carrier=fmt.courier_id).valid


def test_valid_test_numbers_of_different_carriers_are_ambiguous_not_guessed():
    ambiguous = {number.strip(): identify(number) for _fmt, number in VALID if identify(number).ambiguous}
    for result in ambiguous.values():
        assert result.carrier is None
        assert len({m.carrier_id for m in result.candidates}) >= 2
    # Examples the data itself makes ambiguous, besides the Chinese numeric formats.
    assert {m.carrier_id for m in ambiguous["78045768393"].candidates} == {"dhl", "old_dominion"}
    assert {m.carrier_id for m in ambiguous["JFV247545960"].candidates} == {"dhl", "purolator"}
    assert {m.carrier_id for m in ambiguous["4201028200009261290113185417468510"].candidates} == {"usps", "fedex"}


# -- check digits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "number"), CHECKED, ids=[_id(p) for p in CHECKED])
def test_any_other_check_digit_is_refused(fmt, number):
    text, start, end = _check_digit_span(fmt, number)
    alphabet = fmt.checksum_params.get("alphabet") or "0123456789"
    for other in alphabet.replace(text[start:end], ""):
        misread = text[:start] + other + text[end:]
        matches = find_matches(misread)[1]
        assert not [m for m in matches if m.format_id == fmt.id and m.acceptable], misread
        # For the carrier: only another checked reading of the same digits may accept it
        # (USPS 20 and USPS Legacy read one 20-digit number with and without "91").
        others = [m for m in matches if m.carrier_id == fmt.courier_id and m.acceptable]
        assert all(m.check_digit_ok for m in others), misread
        assert all(m.format_id.startswith("usps") for m in others), misread


@settings(max_examples=200, deadline=None)
@given(pair=st.sampled_from(CHECKED), digit=st.sampled_from("0123456789"))
def test_replacing_the_check_digit_breaks_the_number(pair, digit):
    fmt, number = pair
    text, start, end = _check_digit_span(fmt, number)
    if text[start:end] == digit:
        return
    result = identify(text[:start] + digit + text[end:], carrier=fmt.courier_id)
    if fmt.courier_id != "usps":  # see test_any_other_check_digit_is_refused
        assert result.reason is not Reason.OK


def test_a_wrong_check_digit_is_reported_as_such():
    result = identify("1Z5R89390357567128")
    assert result.reason is Reason.BAD_CHECK_DIGIT
    assert result.candidate_names == ("UPS",)
    assert "check digit" in describe(result)
    assert identify("1Z5R89390357567128", carrier="ups").reason is Reason.BAD_CHECK_DIGIT


def test_a_misread_number_of_an_enabled_carrier_is_not_taken_for_a_disabled_one():
    # 12 digits, FedEx check digit wrong: fits only SF Express's old all-digit waybills.
    assert identify("986578788856").carrier.carrier_id == "sf_express"
    assert identify("986578788856", enabled={"fedex", "ups"}).reason is Reason.BAD_CHECK_DIGIT


# -- Chinese couriers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("SF1347413421946", "sf_express"),
        ("sf 1347 4134 2194 6", "sf_express"),
        ("YT7885941005342", "yto"),
        ("JT3002232682242", "jt_express"),
        ("DPK300585915441", "deppon"),
        ("JDVA11408814483", "jd"),
        ("JDX012345678901", "jd"),
        ("1171311278292", "china_post"),
        ("EA123456785CN", "china_post"),
        ("462598779470531", "yunda"),
        ("773012345678901", "sto"),
    ],
)
def test_chinese_waybills_are_identified(number, carrier):
    result = identify(number)
    assert result.valid, result
    assert result.carrier.carrier_id == carrier
    assert result.carrier.check_digit_ok is (True if carrier == "china_post" and number.endswith("CN") else None)
    assert result.carrier.tracking_url.endswith(result.number)


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("SF134741342194", "sf_express"),
        ("YT788594100534", "yto"),
        ("JT300223268224", "jt_express"),
        ("DPK30058591544", "deppon"),
        ("JXVA11408814483", "jd"),
        ("1371311278292", "china_post"),
        ("EA123456784CN", "china_post"),
        ("4412345678901", "yunda"),
        ("72100123456789", "zto"),
        ("168012345678", "sto"),
    ],
)
def test_numbers_that_break_a_chinese_courier_pattern_are_refused(number, carrier):
    assert not identify(number, carrier=carrier).valid


def test_a_number_that_fits_two_carriers_is_ambiguous_until_the_order_or_desk_says():
    result = identify("73100123456789")  # ZTO, and DHL eCommerce's any-14-digits
    assert result.ambiguous and not result.valid and result.carrier is None
    assert {m.carrier_id for m in result.candidates} == {"zto", "dhl"}
    assert "choose the carrier" in describe(result)
    assert identify("73100123456789", carrier="zto").carrier.carrier_id == "zto"
    assert identify("73100123456789", enabled={"zto", "sf_express"}).carrier.carrier_id == "zto"
    # International China Post letters (LX...CN) also fit DHL eCommerce's LX prefix.
    assert {m.carrier_id for m in identify("LX123456785CN").candidates} == {"dhl", "china_post"}
    # DHL Express's 10 digits are also Deppon freight waybills.
    assert identify("4142688233").ambiguous
    assert identify("4142688233", carrier="dhl").valid


# -- expected and enabled carriers ----------------------------------------------------------------


def test_a_valid_number_of_another_carrier_than_expected_is_a_mismatch():
    result = identify("1Z5R89390357567127", carrier="fedex")
    assert result.reason is Reason.CARRIER_MISMATCH
    assert result.candidate_names == ("UPS",)
    assert result.expected_name == "FedEx"
    assert describe(result) == (
        "1Z5R89390357567127 is a UPS tracking number, but the order ships with FedEx: scan its label."
    )


def test_a_carrier_the_desk_does_not_ship_with_is_refused():
    result = identify("1Z5R89390357567127", enabled={"fedex", "sf_express"})
    assert result.reason is Reason.CARRIER_NOT_ENABLED
    assert result.candidate_names == ("UPS",)
    assert identify("1Z5R89390357567127", enabled={"ups"}).valid
    assert identify("1Z5R89390357567127", enabled={"fedex"}, carrier="ups").reason is Reason.CARRIER_NOT_ENABLED
    assert "does not ship" in describe(result)


def test_an_unknown_expected_carrier_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown carrier"):
        identify("1Z5R89390357567127", carrier="UPS Ground")


@pytest.mark.parametrize("raw", ["", "   ", "HELLO WORLD", "12345", "]C1", "§§§", "1Z" * 40])
def test_what_no_carrier_uses_is_an_unknown_format(raw):
    result = identify(raw)
    assert result.reason is Reason.UNKNOWN_FORMAT
    assert result.matches == () and result.carrier is None
    assert "unknown tracking number format" in describe(result)


# -- normalisation and barcodes that hold more than the number ----------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "1Z5R89390357567127",
        "1z5r89390357567127",
        " 1Z 5R8 939 0357 5671 27 ",
        "1Z-5R89-3903-5756-7127",
        "]C01Z5R89390357567127",
        "1Z5R89390357567127\r\n",
        "\t1Z5R89390357567127\n",
        "１Ｚ５Ｒ８９３９０３５７５６７１２７",
        "1Z5R8939\u200b0357567127",
    ],
)
def test_separators_case_and_scanner_wrappers_are_removed(raw):
    result = identify(raw)
    assert result.valid and result.carrier.carrier_id == "ups"
    assert result.number == "1Z5R89390357567127"


def test_the_aim_identifier_is_read():
    scan = normalise("]C1420787459400111206206406260787")
    assert scan.symbology == "C1" and scan.gs1
    assert scan.text == "420787459400111206206406260787"
    assert normalise("]C0ABC").symbology == "C0" and not normalise("]C0ABC").gs1


@pytest.mark.parametrize(
    ("raw", "number", "carrier"),
    [
        # USPS IMpb: GS1 "420" + ZIP5 or ZIP+4, then the number (with and without the FNC1 GS).
        ("420787459400111206206406260787", "9400111206206406260787", "usps"),
        ("]C142078745\x1d9400111206206406260787", "9400111206206406260787", "usps"),
        ("420 22153 9101026837331000039521", "9101026837331000039521", "usps"),
        ("4201002334249200190132607600833457", "9200190132607600833457", "usps"),
        # FedEx Ground 96 (22 digits) holds the 15-digit Ground number.
        ("9611020987654312345672", "987654312345672", "fedex"),
        # FedEx 34-digit barcodes (Express, Ground GSN) and ASTRA (32) hold the 12-digit number.
        ("1001921334250001000300779017972697", "779017972697", "fedex"),
        ("9622001900000000000000776632517510", "776632517510", "fedex"),
        ("32971514560102447849175802862014", "784917580286", "fedex"),
        # SSCC-18 behind GS1's 00 application identifier.
        ("]C100000123450000000027", "000123450000000027", "fedex"),
        ("(00) 0 0012345 000000002 7", "000123450000000027", "fedex"),
        ("000123450000000027", "000123450000000027", "fedex"),
    ],
)
def test_the_number_itself_is_taken_out_of_longer_barcodes(raw, number, carrier):
    result = identify(raw)
    assert result.valid, result
    assert result.carrier.carrier_id == carrier
    assert result.number == number
    assert identify(number, carrier=carrier).valid


def test_a_bare_twenty_digit_sscc_could_also_be_a_usps_number():
    # Without ]C1 or (00) nothing says the leading 00 is an application identifier.
    result = identify("00000123450000000027")
    assert result.ambiguous
    assert {m.carrier_id: m.number for m in result.candidates} == {
        "usps": "00000123450000000027",
        "fedex": "000123450000000027",
    }


def test_matches_carry_what_the_number_encodes():
    ups = identify("1ZXX3150YW44070023").carrier
    assert ups.service == "UPS SurePost - Delivered by the USPS"
    assert ups.tracking_url == "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1ZXX3150YW44070023"
    royal_mail = identify("RB123456785GB").carrier
    assert (royal_mail.carrier_id, royal_mail.carrier_name) == ("s10", "Royal Mail Group plc")
    assert royal_mail.service == "Letter Post Registered" and royal_mail.tracking_url is None
    assert identify("RB123456785US").carrier.carrier_id == "usps"
    assert not identify("RB123456785XX").matches  # no postal service has country code XX
    assert identify("C11031500001879").carrier.check_digit_ok  # OnTrac: checksum over "4" + serial


@pytest.mark.parametrize(("fmt", "number"), VALID[::3], ids=[_id(p) for p in VALID[::3]])
def test_spaces_dashes_case_and_prefix_do_not_change_the_result(fmt, number):
    plain = identify(number)
    for variant in (
        "-".join(number.replace(" ", "")).lower(),
        "]C0" + number + "\r",
        "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in number),
    ):
        again = identify(variant)
        assert (again.reason, again.number, again.matches) == (plain.reason, plain.number, plain.matches), variant


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_breaks_identification(raw):
    result = identify(raw)
    assert isinstance(result.reason, Reason)
    assert result.valid == (result.carrier is not None)
    assert isinstance(describe(result), str)
    carrier_from_text(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ -]\x1d", max_size=45))
def test_random_waybill_like_scans_never_break_identification(raw):
    result = identify(raw, enabled={"ups", "fedex", "sf_express"}, carrier="ups")
    assert result.reason in (
        Reason.OK,
        Reason.UNKNOWN_FORMAT,
        Reason.BAD_CHECK_DIGIT,
        Reason.CARRIER_MISMATCH,
        Reason.CARRIER_NOT_ENABLED,
    )
    if result.valid:
        assert result.carrier.carrier_id == "ups"


# -- requested carriers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "carrier"),
    [
        ("请发顺丰", "sf_express"),
        ("请发顺丰，谢谢！", "sf_express"),
        ("顺丰", "sf_express"),
        ("請發順豐", "sf_express"),
        ("SF", "sf_express"),
        ("SF Express", "sf_express"),
        ("请发SF，谢谢", "sf_express"),
        ("申通", "sto"),
        ("EMS", "china_post"),
        ("请用ems", "china_post"),
        ("邮政", "china_post"),
        ("中通", "zto"),
        ("圆通", "yto"),
        ("韵达", "yunda"),
        ("京东", "jd"),
        ("极兔", "jt_express"),
        ("J&T Express", "jt_express"),
        ("德邦", "deppon"),
        ("UPS", "ups"),
        ("UPS Ground", "ups"),
        ("ship with UPS please", "ups"),
        ("ship with ups please", "ups"),
        ("Please ship with UPS - USPS lost my last parcel.", "ups"),
        ("please don't use USPS, UPS is fine", "ups"),
        ("USPS Priority Mail", "usps"),
        ("寄美国邮政", "usps"),
        ("FedEx", "fedex"),
        ("Fed Ex Home Delivery", "fedex"),
        ("DHL", "dhl"),
        ("DHL Express Worldwide", "dhl"),
        ("不要发中通，发顺丰", "sf_express"),
        ("Canada Post Expedited Parcel", "canada_post"),
    ],
)
def test_the_requested_carrier_is_read_from_notes_and_ship_methods(text, carrier):
    assert carrier_from_text(text) == carrier
    assert carrier in dict(list_carriers())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Standard Shipping",
        "Free Shipping",
        "Expedited",
        "wire transfer received",
        "two cups of tea",
        "life has ups and downs",
        "items in the box",
        "邮政编码 100000",
        "no FedEx please",
        "不要发中通",
        "Amazon order",
        "gift wrap, thanks",
    ],
)
def test_notes_that_name_no_carrier_give_none(text):
    assert carrier_from_text(text) is None


# -- names, messages, speed ---------------------------------------------------------------------------


def test_carriers_are_listed_with_their_ids():
    carriers = dict(list_carriers())
    for carrier_id in (
        "ups",
        "usps",
        "fedex",
        "dhl",
        "s10",
        "sf_express",
        "zto",
        "yto",
        "sto",
        "yunda",
        "china_post",
        "jd",
        "jt_express",
        "deppon",
    ):
        assert carrier_id in carriers
    assert carriers["sf_express"] == "SF Express"


def test_chinese_couriers_are_named_in_chinese_when_the_kiosk_speaks_it():
    assert carrier_name("sf_express") == "SF Express"
    set_language("zh_CN")
    assert carrier_name("sf_express") == "顺丰速运"
    assert carrier_name("ups") == "UPS"
    assert "中通快递" in describe(identify("73100123456789"))


def test_every_reason_is_put_into_words():
    assert describe(identify("SF1347413421946")) == "SF Express tracking number SF1347413421946."
    assert describe(identify("986578788855")) == "986578788855 fits FedEx / SF Express: choose the carrier."
    assert describe(identify("1Z5R89390357567128")) == "1Z5R89390357567128: check digit wrong for UPS, scan again."


# -- Ruby regexes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ruby", "python"),
    [
        (r"(?<SerialNumber>\d{4})", r"(?P<SerialNumber>\d{4})"),
        (["\\s*1\\s*Z", "(?<A>\\h{2})"], r"\s*1\s*Z(?P<A>[0-9A-Fa-f]{2})"),
        (r"(?<a>x)|(?<a>y)", r"(?P<a>x)|(?P<a__2>y)"),
        (r"(?<a>x)\k<a>", r"(?P<a>x)(?P=a)"),
        (r"ab(?i)c|d", r"ab(?i:c|d)"),
        (r"(?m).", r"(?s:.)"),
        ("1Z(?x) (?<S> [0-9]{4} ) # serial\n (?<C>\\d)", r"1Z(?:(?P<S>[0-9]{4})(?P<C>\d))"),
        (r"[[:digit:][:upper:]]{3}\d++", r"[0-9A-Z]{3}\d++"),
        (r"\d\z", r"\d\Z"),
        (r"(?<=A)B(?<!C)", r"(?<=A)B(?<!C)"),
        (r"(?>A+)[^\]]", r"(?>A+)[^\]]"),
    ],
)
def test_ruby_regexes_are_translated(ruby, python):
    assert translate(ruby).pattern == python


def test_duplicate_group_names_are_found_under_their_first_name():
    translation = translate(r"(?<a>x)|(?<a>y)")
    assert translation.groups == {"a": ["a", "a__2"]}


def test_literal_dashes_become_optional_for_scans_without_them():
    assert translate("1LS7-1", optional_literals=" -").pattern == r"1LS7(?:\-|)1"


@pytest.mark.parametrize("ruby", [r"\G1", r"[a&&b]", r"(?~ab)", r"\g<x>", r"[[:^digit:]]", r"(abc", r"abc)"])
def test_ruby_constructs_python_lacks_are_refused_loudly(ruby):
    with pytest.raises(RegexTranslationError, match="no Python equivalent|unbalanced parentheses"):
        translate(ruby)


def test_the_chinese_couriers_are_json_data_beside_the_spec_read_by_the_same_loader():
    from kiosk.carriers.registry import read_couriers, registry

    documents = read_couriers("china")
    assert all(document["notes"] and document["tracking_numbers"] for document in documents)
    chinese = {carrier.id for carrier in registry().carriers.values() if carrier.source == "china"}
    assert chinese == {document["courier_code"] for document in documents} == {
        "sf_express", "zto", "yto", "sto", "yunda", "china_post", "jd", "jt_express", "deppon"}
