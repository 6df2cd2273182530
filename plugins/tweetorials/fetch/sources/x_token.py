"""The token X's syndication endpoint (``cdn.syndication.twimg.com/tweet-result``) asks for.

Tweet embedders compute it in JavaScript as::

    ((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, "")

The server rejects other values, so it must match bit for bit. Python has no base-36 float
formatting, and the digits JavaScript prints are not "the" base-36 expansion of the double: V8
stops once further digits could not change which double is meant, and rounds the last digit.
:func:`js_radix_string` is a faithful port of V8's ``DoubleToRadixCString``
(``src/numbers/conversions.cc``) so every token is the one Node.js computes; the tests pin it
to pairs generated with Node.js.
"""

from __future__ import annotations

import math

__all__ = ["js_radix_string", "syndication_token"]

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_TWO_53 = float(2**53)


def syndication_token(tweet_id: str | int) -> str:
    """The ``token`` query parameter for ``tweet-result?id=tweet_id``.

    ``Number(id)`` in JavaScript rounds the decimal id to the nearest double, as ``float(int)``
    does in Python; the division and multiplication are the same IEEE 754 operations.
    """
    text = str(tweet_id).strip()
    if not text.isdigit():
        raise ValueError(f"a tweet id is a string of digits, not {tweet_id!r}")
    value = (float(int(text)) / 1e15) * math.pi
    return js_radix_string(value, 36).replace("0", "").replace(".", "")


def js_radix_string(value: float, radix: int) -> str:
    """``Number.prototype.toString(radix)`` for a finite double, as V8 writes it for radix != 10.

    (Radix 10 takes a different path in JavaScript, the shortest round-trip form with
    exponents; Python's ``repr`` is the tool for that.)

    Fraction digits are produced only while they still carry information: ``delta`` is half
    the distance to the next double, scaled along with the fraction, and generation stops
    once the remaining fraction is smaller. The last digit is rounded half to even, carrying
    into earlier digits (and into the integer part) when needed. Integer digits beyond the
    53 bits a double holds are written as zeros, exactly as V8 does.

    Kept in one piece: it follows V8's ``DoubleToRadixCString`` step by step, so it can be
    checked against that function side by side.
    """
    if not 2 <= radix <= 36:
        raise ValueError(f"radix must be between 2 and 36, not {radix}")
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value!r} has no radix representation")
    if value == 0:
        return "0"

    negative = value < 0
    if negative:
        value = -value

    integer = float(math.floor(value))
    fraction = value - integer
    # Only compute fraction digits up to the input's precision.
    delta = 0.5 * (math.nextafter(value, math.inf) - value)
    delta = max(math.nextafter(0.0, math.inf), delta)

    fraction_digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            fraction_digits.append(digit)
            fraction -= digit
            # Round half to even on the last digit.
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                # Carry: bump the last digit that has room, dropping the ones that overflow.
                while True:
                    if not fraction_digits:
                        integer += 1
                        break
                    last = fraction_digits.pop()
                    if last + 1 < radix:
                        fraction_digits.append(last + 1)
                        break
                break
            if not fraction >= delta:
                break

    # Integer digits. Positions beyond the double's precision are written as zeros.
    integer_digits: list[str] = []
    while _binary_exponent(integer / radix) > 0:
        integer /= radix
        integer_digits.append("0")
    while True:
        remainder = math.fmod(integer, radix)
        integer_digits.append(_DIGITS[int(remainder)])
        integer = (integer - remainder) / radix
        if not integer > 0:
            break

    text = "".join(reversed(integer_digits))
    if fraction_digits:
        text += "." + "".join(_DIGITS[d] for d in fraction_digits)
    return "-" + text if negative else text


def _binary_exponent(value: float) -> int:
    """V8's ``Double(value).Exponent()``: ``e`` in ``value = significand * 2**e`` with a
    53-bit integer significand; positive exactly when ``value >= 2**53``."""
    if value == 0 or not math.isfinite(value):
        return -1074
    _, exponent = math.frexp(value)
    return max(exponent - 53, -1074)
