"""Display names as citations want them: split only when reliable, honorifics dropped."""

from __future__ import annotations

import pytest
from tweetorials.render.citation_names import CitedName, cited_name


@pytest.mark.parametrize(
    ("display", "family", "given"),
    [
        ("Ben Dralle", "Dralle", "Ben"),
        ("Dr Iris Sample", "Sample", "Iris"),
        ("Dr. Noor Fictional", "Fictional", "Noor"),
        ("Prof. Dr. Hans Müller", "Müller", "Hans"),
        ("Zoë Ångström, MD", "Ångström", "Zoë"),
        ("Jane Roe, MD, PhD", "Roe", "Jane"),
        ("Jane Roe MD", "Roe", "Jane"),
        ("Mary J. Blige", "Blige", "Mary J."),
        ("Jean-Luc Martin 🩺", "Martin", "Jean-Luc"),
        ("Siobhán O'Neil (she/her)", "O'Neil", "Siobhán"),
        ("Kim Do", "Do", "Kim"),  # "Do" here is a name, not the DO degree
        ("Anna Ma", "Ma", "Anna"),
        ("Priya Patel | ICU doc", "Patel", "Priya"),
    ],
)
def test_people_are_split_into_family_and_given(display: str, family: str, given: str) -> None:
    assert cited_name(display) == CitedName(family=family, given=given)


@pytest.mark.parametrize(
    ("display", "literal"),
    [
        ("Choosing Wisely Canada", "Choosing Wisely Canada"),
        ("Mayo Clinic", "Mayo Clinic"),
        ("NEJM", "NEJM"),
        ("The BMJ", "The BMJ"),
        ("Cher", "Cher"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Martin Luther King Jr", "Martin Luther King Jr"),
        ("Dr Ana María de la Cruz Pérez", "Ana María de la Cruz Pérez"),
        ("Jane R.", "Jane R."),
        ("ICU Nurse Jo", "ICU Nurse Jo"),
        ("ben dralle", "ben dralle"),
        ("Dr", "Dr"),
        ("Tom and Jerry", "Tom and Jerry"),
        ("Roe, Jane", "Roe, Jane"),
    ],
)
def test_anything_unreliable_stays_one_literal_name(display: str, literal: str) -> None:
    assert cited_name(display) == CitedName(literal=literal)


def test_forms_of_a_name() -> None:
    person = cited_name("Dr Jean-Luc Martin")
    assert (person.display, person.inverted, person.ama) == (
        "Jean-Luc Martin",
        "Martin, Jean-Luc",
        "Martin J-L",
    )
    assert cited_name("Mary J. Blige").ama == "Blige MJ"
    org = cited_name("Choosing Wisely Canada 🍁")
    assert (org.display, org.inverted, org.ama) == ("Choosing Wisely Canada",) * 3
