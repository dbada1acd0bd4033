import BasculeDomain
import Testing

@Suite("Comparing two snapshots")
struct RosterDiffTests {
    func e(_ id: String, _ division: String?, groups: [String] = [], left: Bool = false) -> RosterEntry {
        RosterEntry(personID: id, displayName: "N\(id)", division: division, groups: groups, hasLeft: left)
    }

    @Test("Arrivals, departures, moves, group changes and returns")
    func changes() {
        let diff = RosterDiff(
            before: [e("a", "6A"), e("b", "3A"), e("c", "5B", groups: ["5ESP1"]), e("d", nil, left: true), e("f", "4A")],
            after: [e("a", "5C"), e("c", "5B", groups: ["5ALL1"]), e("d", "4B"), e("g", "6A"), e("f", nil, left: true)])
        #expect(diff.arrivals == 1)
        #expect(diff.departures == 2)
        #expect(diff.moves == 1)
        #expect(diff.groupChanges == 1)
        #expect(diff.returns == 1)
        #expect(diff.changes.contains(.moved(e("a", "5C"), from: "6A")))
        #expect(diff.changes.contains(.groupsChanged(e("c", "5B", groups: ["5ALL1"]), added: ["5ALL1"], removed: ["5ESP1"])))
    }

    @Test("Identical snapshots change nothing")
    func same() {
        let s = [e("a", "6A"), e("b", "5A", groups: ["x"])]
        #expect(RosterDiff(before: s, after: s.reversed()).changes.isEmpty)
    }
}
