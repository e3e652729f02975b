"""One world for the tests: organisations, people of each role, and what a package adds.

A package states what its tests start from as a ``Recipe`` (organisations, people, the plan,
and a function adding its series) through the ``world_recipe`` fixture; the ``world``
fixture (tests/conftest.py) builds it. Everyone in it signs in with
``tests.support.people.PASSWORD``::

    @pytest.fixture
    def world_recipe():
        return Recipe(orgs=(org("tartu"),), people=staff("tartu"), adds=_clubs)

``world["club"]`` is what the recipe added under that name (else an organisation by slug),
``world.people["coord@tartu.ee"]`` a person, ``world.orgs["tartu"]`` an organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.organisations.models import Organisation, OrganisationKind
from tests.factories import make_org
from tests.support.people import PASSWORD

ADMIN = "admin@elvl.ee"
VIEWER = "viewer@elvl.ee"


def coordinator(slug: str) -> str:
    """The address of the coordinator of an organisation in a world: ``coord@<slug>.ee``."""
    return f"coord@{slug}.ee"


@dataclass(frozen=True)
class Org:
    slug: str
    kind: OrganisationKind = OrganisationKind.PARTNER
    fields: tuple[tuple[str, object], ...] = ()


def org(slug: str, kind: OrganisationKind = OrganisationKind.PARTNER, **fields) -> Org:
    """An organisation of a recipe: ``org("tartu", name="Tartu linn", name_en="Tartu city")``."""
    return Org(slug, kind, tuple(fields.items()))


Person = tuple[str, Role, str | None]  # email, role, organisation slug


def staff(*coordinated: str, admin: bool = True, viewer: bool = True) -> tuple[Person, ...]:
    """An admin, a coordinator of each organisation named, and a viewer."""
    return (
        *([(ADMIN, Role.ADMIN, None)] if admin else []),
        *[(coordinator(slug), Role.COORDINATOR, slug) for slug in coordinated],
        *([(VIEWER, Role.VIEWER, None)] if viewer else []),
    )


@dataclass
class World(Mapping):
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    things: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.things[name] if name in self.things else self.orgs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.things)

    def __len__(self) -> int:
        return len(self.things)


@dataclass(frozen=True)
class Recipe:
    orgs: tuple[Org, ...] = ()
    people: tuple[Person, ...] = staff()
    #: what the package adds (series, their events), given the world of organisations
    adds: Callable[[World], Mapping[str, object] | None] | None = None
    #: the 2024 plan is loaded first (its organisations are then in ``world.orgs`` by need)
    plan: bool = False
    locale: str | None = None
    #: people added after what ``adds`` made (their ids then follow the package's rows)
    people_last: bool = True


def load_plan(runner) -> None:
    """The built-in 2024 plan, restored from its first load (tests/support/snapshots.py)."""
    result = runner.invoke(args=["plan", "load"])
    assert result.exit_code == 0, result.output


def build_world(recipe: Recipe, runner=None) -> World:
    if recipe.plan:
        load_plan(runner)
    world = World(orgs={o.slug: make_org(o.slug, o.kind, **dict(o.fields)) for o in recipe.orgs})
    if not recipe.people_last:
        _add_people(world, recipe)
    if recipe.adds:
        world.things.update(recipe.adds(world) or {})
    if recipe.people_last:
        _add_people(world, recipe)
    db.session.commit()
    return world


def _add_people(world: World, recipe: Recipe) -> None:
    world.people.update(add_people(recipe.people, world.orgs, locale=recipe.locale))


def add_people(
    people: Iterable[Person | tuple[str, Role, str | None, str]],
    orgs: dict[str, Organisation] | None = None,
    *,
    locale: str | None = None,
) -> dict[str, User]:
    """Saved, active people who sign in with ``PASSWORD``, by address: each given as (email,
    role, organisation slug) or with their language last."""
    orgs = {} if orgs is None else orgs
    made = {}
    for email, role, slug, *language in people:
        if slug and slug not in orgs:
            orgs[slug] = make_org(slug)
        user = User(email=email, role=role, organisation=orgs.get(slug) if slug else None)
        if language or locale:
            user.locale = language[0] if language else locale
        user.set_password(PASSWORD)
        db.session.add(user)
        made[email] = user
    db.session.flush()
    return made
