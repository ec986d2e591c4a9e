"""The Design's mutators: validation, events, and the read-only graph view."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from models.design import Design, ModelError, kind_of
from models.elements import (
    Client,
    Datastore,
    Decision,
    DesignInfo,
    ElementKind,
    External,
    Flow,
    Queue,
    Relation,
    RelationKind,
    Service,
    Step,
)
from models.events import (
    DecisionChanged,
    DesignEvent,
    ElementAdded,
    ElementChanged,
    ElementRemoved,
    FlowChanged,
    InfoChanged,
    LayoutChanged,
    RelationAdded,
    RelationChanged,
    RelationRemoved,
)
from models.io import dumps_design, load_design, loads_design
from models.units import Duration


@pytest.fixture
def design() -> Design:
    """A small shop: a client, two services, a database, a topic and an external system."""
    d = Design()
    d.add_element("web", Client(name="Web shop"))
    d.add_element("order-service", Service(purpose="Orders"))
    d.add_element("inventory-service", Service(purpose="Stock"))
    d.add_element("orders-db", Datastore())
    d.add_element("order-events", Queue())
    d.add_element("stripe", External(name="Stripe"))
    return d


@pytest.fixture
def events(design: Design) -> list[DesignEvent]:
    """Every event ``design`` emits from now on."""
    seen: list[DesignEvent] = []
    design.subscribe(seen.append)
    return seen


def calls(source: str, target: str, **attrs: object) -> Relation:
    return Relation(RelationKind.CALLS, source, target, **attrs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- elements


def test_add_element_emits_element_added(design: Design, events: list[DesignEvent]) -> None:
    service = Service(purpose="Payments")
    design.add_element("payment-service", service)
    assert events == [ElementAdded("payment-service", service)]
    assert design.element("payment-service") is service
    assert design.kind("payment-service") is ElementKind.SERVICE
    assert "payment-service" in design


def test_elements_iterate_in_insertion_order_and_by_kind(design: Design) -> None:
    assert [i for i, _ in design.elements()] == [
        "web", "order-service", "inventory-service", "orders-db", "order-events", "stripe",
    ]  # fmt: skip
    assert [i for i, _ in design.services()] == ["order-service", "inventory-service"]
    assert [i for i, _ in design.datastores()] == ["orders-db"]
    assert [i for i, _ in design.elements(ElementKind.QUEUE)] == ["order-events"]
    assert len(design) == 6


@pytest.mark.parametrize("bad_id", ["", "has space", "dotted.id", "-leading", "ünïcode", "a/b"])
def test_invalid_ids_are_refused_with_an_example(design: Design, bad_id: str) -> None:
    with pytest.raises(ModelError, match=r"not a valid id.*e\.g\. order-service"):
        design.add_element(bad_id, Service())
    assert bad_id not in design


def test_a_non_string_id_is_refused(design: Design) -> None:
    with pytest.raises(ModelError, match="not a valid id"):
        design.add_element(42, Service())  # type: ignore[arg-type]


def test_duplicate_ids_are_refused(design: Design, events: list[DesignEvent]) -> None:
    with pytest.raises(ModelError, match="'order-service' already exists"):
        design.add_element("order-service", Datastore())
    assert isinstance(design.element("order-service"), Service)
    assert events == []


def test_only_elements_can_be_added(design: Design) -> None:
    with pytest.raises(ModelError, match="Decision is not a design element"):
        design.add_element("adr", Decision())  # type: ignore[arg-type]


def test_unknown_ids_get_did_you_mean(design: Design) -> None:
    with pytest.raises(
        ModelError, match="no element with id 'order-servise'; did you mean 'order-service'"
    ):
        design.element("order-servise")
    with pytest.raises(ModelError, match=r"^no element with id 'zzz'$"):
        design.element("zzz")


def test_replace_element_emits_old_and_new(design: Design, events: list[DesignEvent]) -> None:
    old = design.element("order-service")
    new = dataclasses.replace(old, purpose="Manage the order lifecycle")
    design.replace_element("order-service", new)
    assert events == [ElementChanged("order-service", old, new)]
    assert design.element("order-service") == new


def test_replace_with_an_equal_value_emits_nothing(
    design: Design, events: list[DesignEvent]
) -> None:
    design.replace_element("order-service", Service(purpose="Orders"))
    assert events == []


def test_replace_cannot_change_the_kind(design: Design, events: list[DesignEvent]) -> None:
    with pytest.raises(
        ModelError, match="'order-service' is a service; it cannot become a datastore"
    ):
        design.replace_element("order-service", Datastore())
    assert events == []


def test_replace_unknown_element(design: Design) -> None:
    with pytest.raises(ModelError, match="did you mean 'orders-db'"):
        design.replace_element("orders-bd", Datastore())


def test_remove_element_removes_its_relations_first(
    design: Design, events: list[DesignEvent]
) -> None:
    into = calls("web", "order-service")
    out = calls("order-service", "inventory-service")
    writes = Relation(RelationKind.WRITES, "order-service", "orders-db")
    other = calls("web", "inventory-service")
    for rel in (into, out, writes, other):
        design.add_relation(rel)
    design.set_positions({"order-service": (10, 20), "web": (0, 0)})
    events.clear()

    removed = design.remove_element("order-service")

    assert removed == Service(purpose="Orders")
    assert [type(e) for e in events] == [
        RelationRemoved, RelationRemoved, RelationRemoved, LayoutChanged, ElementRemoved,
    ]  # fmt: skip
    assert {e.relation for e in events[:3]} == {into, out, writes}  # type: ignore[union-attr]
    assert events[3] == LayoutChanged(("order-service",))
    assert events[4] == ElementRemoved("order-service", removed)
    assert "order-service" not in design
    assert list(design.relations()) == [other]
    assert dict(design.layout) == {"web": (0.0, 0.0)}


def test_remove_unknown_element(design: Design) -> None:
    with pytest.raises(ModelError, match="no element with id 'nope'"):
        design.remove_element("nope")


def test_kind_of() -> None:
    assert kind_of(Queue()) is ElementKind.QUEUE
    assert kind_of(External()) is ElementKind.EXTERNAL


# --------------------------------------------------------------------------- relations


def test_add_relation(design: Design, events: list[DesignEvent]) -> None:
    rel = calls("order-service", "inventory-service", timeout=Duration.parse("300ms"))
    design.add_relation(rel)
    assert events == [RelationAdded(rel)]
    assert design.relation("order-service", "inventory-service", RelationKind.CALLS) == rel
    assert list(design.out_relations("order-service")) == [rel]
    assert list(design.in_relations("inventory-service")) == [rel]
    assert rel.id == "order-service.calls.inventory-service"
    assert rel.key == ("order-service", "inventory-service", RelationKind.CALLS)


def test_two_kinds_between_the_same_pair_coexist(design: Design) -> None:
    design.add_relation(Relation(RelationKind.READS, "order-service", "orders-db"))
    design.add_relation(Relation(RelationKind.WRITES, "order-service", "orders-db"))
    assert [r.kind for r in design.out_relations("order-service")] == [
        RelationKind.READS,
        RelationKind.WRITES,
    ]
    assert [r.kind for r in design.relations(RelationKind.WRITES)] == [RelationKind.WRITES]


def test_duplicate_relation_is_refused(design: Design) -> None:
    design.add_relation(calls("web", "order-service"))
    with pytest.raises(ModelError, match="'web' already calls 'order-service'; edit that relation"):
        design.add_relation(calls("web", "order-service", protocol="HTTPS"))


@pytest.mark.parametrize(
    ("kind", "source", "target", "message"),
    [
        (RelationKind.CALLS, "orders-db", "order-service", "a datastore cannot have 'calls'"),
        (RelationKind.CALLS, "order-events", "order-service", "a queue cannot have 'calls'"),
        (
            RelationKind.CALLS,
            "order-service",
            "orders-db",
            "'calls' must target a external or service",
        ),
        (RelationKind.PUBLISHES, "order-service", "orders-db", "'publishes' must target a queue"),
        (RelationKind.SUBSCRIBES, "web", "order-events", "a client cannot have 'subscribes'"),
        (RelationKind.READS, "order-service", "order-events", "'reads' must target a datastore"),
        (RelationKind.READS, "web", "orders-db", "a client cannot have 'reads'"),
        (RelationKind.WRITES, "orders-db", "orders-db", "cannot writes itself"),
        (RelationKind.OWNS, "stripe", "orders-db", "an? external cannot have 'owns'"),
        (
            RelationKind.OWNS,
            "order-service",
            "inventory-service",
            "'owns' must target a datastore or queue",
        ),
        (RelationKind.CALLS, "order-service", "order-service", "cannot calls itself"),
    ],
)
def test_relation_kind_rules(
    design: Design,
    events: list[DesignEvent],
    kind: RelationKind,
    source: str,
    target: str,
    message: str,
) -> None:
    with pytest.raises(ModelError, match=message):
        design.add_relation(Relation(kind, source, target))
    assert events == []
    assert list(design.relations()) == []


@pytest.mark.parametrize(
    ("kind", "source", "target"),
    [
        (RelationKind.CALLS, "web", "order-service"),
        (RelationKind.CALLS, "order-service", "stripe"),
        (RelationKind.CALLS, "stripe", "order-service"),
        (RelationKind.PUBLISHES, "order-service", "order-events"),
        (RelationKind.PUBLISHES, "web", "order-events"),
        (RelationKind.SUBSCRIBES, "inventory-service", "order-events"),
        (RelationKind.READS, "order-service", "orders-db"),
        (RelationKind.WRITES, "order-events", "orders-db"),
        (RelationKind.OWNS, "order-service", "orders-db"),
        (RelationKind.OWNS, "order-service", "order-events"),
    ],
)
def test_allowed_relations(design: Design, kind: RelationKind, source: str, target: str) -> None:
    design.add_relation(Relation(kind, source, target))
    assert design.relation(source, target, kind) is not None


def test_relation_to_an_unknown_element_suggests_an_id(design: Design) -> None:
    with pytest.raises(
        ModelError, match="no element with id 'inventory-servce'; did you mean 'inventory-service'"
    ):
        design.add_relation(calls("order-service", "inventory-servce"))
    with pytest.raises(ModelError, match="no element with id 'web-app'"):
        design.add_relation(calls("web-app", "order-service"))


def test_replace_relation(design: Design, events: list[DesignEvent]) -> None:
    old = calls("order-service", "inventory-service")
    design.add_relation(old)
    new = dataclasses.replace(old, timeout=Duration.parse("1s"))
    events.clear()
    design.replace_relation(new)
    design.replace_relation(new)  # unchanged: no second event
    assert events == [RelationChanged(old, new)]
    assert design.relation(*old.key) == new


def test_replace_missing_relation(design: Design) -> None:
    with pytest.raises(ModelError, match=r"no relation web\.calls\.stripe to change"):
        design.replace_relation(calls("web", "stripe"))


def test_remove_relation(design: Design, events: list[DesignEvent]) -> None:
    rel = calls("web", "order-service")
    design.add_relation(rel)
    events.clear()
    assert design.remove_relation("web", "order-service", RelationKind.CALLS) == rel
    assert events == [RelationRemoved(rel)]
    assert design.relation("web", "order-service", RelationKind.CALLS) is None
    with pytest.raises(ModelError, match=r"no relation web\.calls\.order-service to remove"):
        design.remove_relation("web", "order-service", RelationKind.CALLS)


# --------------------------------------------------------------------------- other mutators


def test_set_info_and_checks(design: Design, events: list[DesignEvent]) -> None:
    old = design.info
    info = DesignInfo(name="Shop")
    design.set_info(info)
    design.set_info(info)
    assert events == [InfoChanged("info", old, info)]
    assert design.info is info


def test_decisions_add_change_remove(design: Design, events: list[DesignEvent]) -> None:
    adr = Decision(title="Use Kafka", date=dt.date(2024, 1, 15))
    design.set_decision("ADR-001", adr)
    changed = dataclasses.replace(adr, title="Use Kafka for events")
    design.set_decision("ADR-001", changed)
    design.set_decision("ADR-001", None)
    assert events == [
        DecisionChanged("ADR-001", None, adr),
        DecisionChanged("ADR-001", adr, changed),
        DecisionChanged("ADR-001", changed, None),
    ]
    assert dict(design.decisions) == {}
    with pytest.raises(ModelError, match="no decision 'ADR-001' to remove"):
        design.set_decision("ADR-001", None)
    with pytest.raises(ModelError, match="not a valid id"):
        design.set_decision("ADR 1", adr)


def test_flows_check_their_steps(design: Design, events: list[DesignEvent]) -> None:
    flow = Flow(name="Order", steps=(Step("web", "order-service", "POST /orders"),))
    design.set_flow("place-order", flow)
    assert events == [FlowChanged("place-order", None, flow)]
    with pytest.raises(ModelError, match="did you mean 'order-service'"):
        design.set_flow("bad", Flow(steps=(Step("web", "order-servic"),)))
    assert list(design.flows) == ["place-order"]
    design.set_flow("place-order", None)
    assert events[-1] == FlowChanged("place-order", flow, None)
    with pytest.raises(ModelError, match="no flow 'place-order' to remove"):
        design.set_flow("place-order", None)


def test_set_positions_is_one_event(design: Design, events: list[DesignEvent]) -> None:
    design.set_positions({"web": (1, 2), "order-service": (3.5, -4)})
    assert events == [LayoutChanged(("web", "order-service"))]
    assert dict(design.layout) == {"web": (1.0, 2.0), "order-service": (3.5, -4.0)}
    design.set_positions({"web": None})
    assert dict(design.layout) == {"order-service": (3.5, -4.0)}
    assert events[-1] == LayoutChanged(("web",))
    design.set_positions({})
    assert len(events) == 2


def test_set_positions_of_unknown_elements_changes_nothing(design: Design) -> None:
    with pytest.raises(ModelError, match="did you mean 'web'"):
        design.set_positions({"wbe": (1, 2)})
    assert dict(design.layout) == {}


def test_read_only_views(design: Design) -> None:
    design.set_decision("ADR-001", Decision())
    with pytest.raises(TypeError):
        design.layout["web"] = (1.0, 1.0)  # type: ignore[index]
    with pytest.raises(TypeError):
        design.decisions["ADR-002"] = Decision()  # type: ignore[index]
    with pytest.raises(TypeError):
        design.flows["f"] = Flow()  # type: ignore[index]


# --------------------------------------------------------------------------- events, graph


def test_subscribe_and_unsubscribe(design: Design) -> None:
    first: list[DesignEvent] = []
    second: list[DesignEvent] = []
    unsubscribe = design.subscribe(first.append)
    design.subscribe(second.append)
    design.add_element("a", Service())
    unsubscribe()
    design.add_element("b", Service())
    assert [e.id for e in first] == ["a"]  # type: ignore[union-attr]
    assert [e.id for e in second] == ["a", "b"]  # type: ignore[union-attr]


def test_a_listener_may_unsubscribe_while_being_notified(design: Design) -> None:
    seen: list[DesignEvent] = []
    unsubscribe = design.subscribe(lambda event: (seen.append(event), unsubscribe()))
    design.add_element("a", Service())
    design.add_element("b", Service())
    assert len(seen) == 1


def test_events_come_after_the_change(design: Design) -> None:
    states: list[bool] = []
    design.subscribe(lambda event: states.append("new-one" in design))
    design.add_element("new-one", Service())
    assert states == [True]


def test_graph_view_is_live_and_read_only(design: Design) -> None:
    design.add_relation(calls("web", "order-service"))
    graph = design.graph
    assert set(graph.nodes) == {i for i, _ in design.elements()}
    assert graph.nodes["web"]["element"] == Client(name="Web shop")
    assert list(graph.edges(keys=True)) == [("web", "order-service", RelationKind.CALLS)]
    with pytest.raises(nx.NetworkXError):
        graph.add_node("intruder")
    with pytest.raises(nx.NetworkXError):
        graph.add_edge("web", "stripe")
    with pytest.raises(nx.NetworkXError):
        graph.remove_node("web")
    design.add_element("late", Service())
    assert "late" in graph
    assert nx.has_path(graph, "web", "order-service")


SAMPLE_1 = Path(__file__).resolve().parents[2] / "samples" / "ecommerce-order-management.yaml"


def test_removing_an_element_drops_the_flow_steps_naming_it_so_the_file_loads_again() -> None:
    design = load_design(SAMPLE_1)
    flow_id, flow = next(iter(design.flows.items()))
    victim = flow.steps[0].target
    design.remove_element(victim)
    kept = design.flows[flow_id].steps
    assert kept and all(victim not in (s.source, s.target) for s in kept)
    assert len(kept) < len(flow.steps)
    assert design.flows_naming(victim) == {}
    reloaded = loads_design(dumps_design(design), "again.yaml")
    assert reloaded.flows[flow_id] == design.flows[flow_id]


def test_copy_is_independent_and_saves_the_same() -> None:
    design = load_design(SAMPLE_1)
    copy = design.copy()
    assert dumps_design(copy) == dumps_design(design)
    events: list[object] = []
    copy.subscribe(events.append)
    design.remove_element("order-cache")
    assert "order-cache" in copy.graph and not events
    copy.set_positions({"order-service": (1.0, 2.0)})
    assert design.layout.get("order-service") != (1.0, 2.0)


@pytest.mark.parametrize("victim", ["orders-db", "payment-service", "order-service"])
def test_removing_an_element_drops_the_pools_and_query_issuers_naming_it(victim: str) -> None:
    design = load_design(SAMPLE_1)
    naming = design.elements_naming(victim)
    assert naming  # the sample has pools to these stores / queries issued by these services
    design.remove_element(victim)
    assert design.elements_naming(victim) == {}
    loads_design(dumps_design(design), "again.yaml")  # loads again: nothing names the victim
