"""The syndication token must equal what Node.js computes, digit for digit.

Every expected value below was produced with Node.js v20 (V8), e.g.
``node -e 'const v=(Number("20")/1e15)*Math.PI; console.log(v.toString(36))'``, and is kept as a
literal so the tests never need Node. The comment on each token pair is the raw
``toString(36)`` before zeros and dots are removed.
"""

from __future__ import annotations

import math

import pytest
from tweetorials.fetch.sources.x_token import js_radix_string, syndication_token

NODE_TOKENS = [
    ("1", "bhi2ay3f28n"),  # 0.000000000bhi2ay3f28n
    ("20", "6dq1a2xwd93"),  # 0.000000006dq1a2xwd93
    ("21", "6p7jcdvzsb"),  # 0.000000006p7jcdvzsb
    ("999", "8uqo9xs4uzm"),  # 0.00000008uqo9xs4uzm
    ("123456789", "ng9m4sqe3h"),  # 0.0000ng9m4sqe3h
    ("1000000000000000", "353i5ab8p5f"),  # 3.53i5ab8p5f
    ("1234567890123456", "3vmjqguc7ab"),  # 3.vmjqguc7ab
    ("20000000000000000", "1qty2xq8tzj"),  # 1q.ty2xq8tz0j
    ("210987654321098765", "ieu53fdk5re"),  # ie.u53fdk5re
    ("463440424141459456", "14fxvks611f"),  # 14f.xvks611f
    ("1000000000000000000", "2f9lc2ug9mm"),  # 2f9.lc2ug9mm
    ("1234567890123456789", "2zqic77uqyk"),  # 2zq.ic77uqyk
    ("1580661436132757506", "3txslhgbjje"),  # 3tx.slhgbjje
    ("1629262255744503809", "3y6h7x4gn61"),  # 3y6.h7x4gn61
    ("1641086480675225601", "3z7miaszni8"),  # 3z7.miaszni8
    ("1641895049427550208", "3za5ye2w3ov"),  # 3za.5ye2w3ov
    ("2072439205213421694", "5urcoe6s5r"),  # 50u.rcoe6s5r
    ("2088006016721940988", "527nxid2y"),  # 527.nx0id2y
    ("9007199254740993", "saoujnx4as"),  # s.aoujnx4as
    ("1700000000000000000", "44cpgxmyurn"),  # 44c.pgxmyurn
    ("1999999999999999999", "4uj6o5owj98"),  # 4uj.6o5owj98
    ("9223372036854775807", "mcw2svce2ao"),  # mcw.2svce2ao
    ("18446744073709551615", "18ps5lqos4lc"),  # 18ps.5lqos4lc
]

# (value, radix, Number.prototype.toString(radix)) from Node.js; radix 10 is a different
# algorithm in JavaScript and out of scope.
NODE_RADIX = [
    (0.5, 2, "0.1"),
    (0.5, 7, "0.3333333333333333334"),
    (0.5, 16, "0.8"),
    (0.5, 36, "0.i"),
    (0.1, 2, "0.0001100110011001100110011001100110011001100110011001101"),
    (0.1, 7, "0.04620462046204620463"),
    (0.1, 16, "0.1999999999999a"),
    (0.1, 36, "0.3lllllllllm"),
    (0.3333333333333333, 2, "0.010101010101010101010101010101010101010101010101010101"),
    (0.3333333333333333, 7, "0.2222222222222222222"),
    (0.3333333333333333, 16, "0.55555555555554"),
    (0.3333333333333333, 36, "0.c"),
    (0.6666666666666666, 2, "0.10101010101010101010101010101010101010101010101010101"),
    (0.6666666666666666, 7, "0.4444444444444444444"),
    (0.6666666666666666, 16, "0.aaaaaaaaaaaaa8"),
    (0.6666666666666666, 36, "0.o"),
    (123.456, 2, "1111011.0111010010111100011010100111111011111001110111"),
    (123.456, 7, "234.312256641535441"),
    (123.456, 16, "7b.74bc6a7ef9dc"),
    (123.456, 36, "3f.gez4w97ry"),
    (1e21, 7, "5135235413265003022600000"),
    (1e21, 16, "3635c9adc5dea00000"),
    (1e21, 36, "5v1j4f4ds7c000"),
    (1e-07, 7, "0.000000004015062102535220433"),
    (1e-07, 16, "0.000001ad7f29abcaf48"),
    (1e-07, 36, "0.000061oezo085tl"),
    (3.141592653589793, 2, "11.001001000011111101101010100010001000010110100011"),
    (3.141592653589793, 7, "3.066365143203613411"),
    (3.141592653589793, 16, "3.243f6a8885a3"),
    (3.141592653589793, 36, "3.53i5ab8p5f"),
    (35.99999999999999, 2, "100011.11111111111111111111111111111111111111111111111"),
    (35.99999999999999, 7, "50.66666666666666665"),
    (35.99999999999999, 16, "23.fffffffffffe"),
    (35.99999999999999, 36, "z.zzzzzzzzz"),
    (0.9999999999999999, 2, "0.11111111111111111111111111111111111111111111111111111"),
    (0.9999999999999999, 7, "0.6666666666666666666"),
    (0.9999999999999999, 16, "0.fffffffffffff8"),
    (0.9999999999999999, 36, "0.zzzzzzzzzza"),
    (4.35, 2, "100.0101100110011001100110011001100110011001100110011"),
    (4.35, 7, "4.231023102310231023"),
    (4.35, 16, "4.5999999999998"),
    (4.35, 36, "4.cllllllllk"),
    (9007199254740994, 2, "100000000000000000000000000000000000000000000000000010"),
    (9007199254740994, 7, "5350140446150306056"),
    (9007199254740994, 16, "20000000000002"),
    (9007199254740994, 36, "2gosa7pa2gy"),
    (-12.375, 2, "-1100.011"),
    (-12.375, 7, "-15.242424242424242424"),
    (-12.375, 16, "-c.6"),
    (-12.375, 36, "-c.di"),
]


@pytest.mark.parametrize(("tweet_id", "token"), NODE_TOKENS)
def test_token_matches_node(tweet_id: str, token: str) -> None:
    assert syndication_token(tweet_id) == token


def test_design_doc_pairs() -> None:
    assert syndication_token("20") == "6dq1a2xwd93"
    assert syndication_token(1629262255744503809) == "3y6h7x4gn61"


@pytest.mark.parametrize(("value", "radix", "expected"), NODE_RADIX)
def test_radix_string_matches_v8(value: float, radix: int, expected: str) -> None:
    assert js_radix_string(value, radix) == expected


def test_zero_and_integers() -> None:
    assert js_radix_string(0.0, 36) == "0"
    assert js_radix_string(-0.0, 36) == "0"
    assert js_radix_string(35.0, 36) == "z"
    assert js_radix_string(36.0, 36) == "10"


@pytest.mark.parametrize("bad", ["", "12a", "-5", "1.5", " "])
def test_rejects_non_numeric_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        syndication_token(bad)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_rejects_non_finite(value: float) -> None:
    with pytest.raises(ValueError):
        js_radix_string(value, 36)


def test_rejects_bad_radix() -> None:
    with pytest.raises(ValueError, match="radix"):
        js_radix_string(1.5, 37)
