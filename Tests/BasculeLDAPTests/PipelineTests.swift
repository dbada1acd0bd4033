import BasculeApp
import BasculeDomain
import BasculeLDAP
import BasculeTesting
import Foundation
import Testing

/// The directory's operations sent several at a time (libldap's asynchronous calls): each one's
/// outcome comes back to it, in the order given, whatever order the server answers in.
@Suite("Pipelined directory operations")
struct PipelineTests {
    @Test("Each request of a pipeline gets its own outcome, in order: done, or the server's refusal")
    func outcomesInOrder() throws {
        let slapd = try SlapdServer()
        let admin = try slapd.adminConnection()
        let unit = "ou=pipeline,\(slapd.base)"
        try admin.add(unit, [("objectClass", ["organizationalUnit"]), ("ou", ["pipeline"])])
        func person(_ cn: String, under parent: String) -> LDAPRequest {
            .add(dn: "cn=\(cn),\(parent)", attributes: [LDAPAttribute("objectClass", ["person"]), LDAPAttribute("cn", [cn]),
                                                        LDAPAttribute("sn", [cn])])
        }
        var requests = (0..<150).map { person("p\($0)", under: unit) }
        requests.insert(person("orphan", under: "ou=absent,\(slapd.base)"), at: 70)
        requests.append(.modify(dn: "cn=nobody,\(unit)", changes: [.replace("sn", ["x"])]))
        requests.append(.modify(dn: "cn=p3,\(unit)", changes: [.replace("sn", ["changed"])]))
        requests.append(.delete(dn: "cn=p4,\(unit)"))
        // A window smaller than the batch: the outcomes of several windows come back in order.
        let outcomes = admin.pipeline(requests, window: 16)
        #expect(outcomes.count == requests.count)
        #expect(outcomes[70]?.isNoSuchObject == true, "the entry without a parent is refused, at its own place")
        #expect(outcomes[151]?.isNoSuchObject == true, "the modification of a missing entry is refused")
        #expect(outcomes.enumerated().filter { $0.element != nil }.map(\.offset) == [70, 151])
        #expect(try admin.search(base: unit, scope: .oneLevel).count == 149)
        #expect(try admin.read("cn=p3,\(unit)")?.first("sn") == "changed")
        #expect(try admin.read("cn=p4,\(unit)") == nil)
        // Sent again (p4 left out: deleted above): every add now finds its entry there.
        let again = admin.pipeline(Array(requests[0..<4] + requests[5..<10]), window: 4)
        #expect(again.allSatisfy { $0?.isAlreadyExists == true })
    }

    @Test("A connector's batch: an entry already there for an add, or already gone for a delete, is done, as one at a time")
    func batchAsExecute() throws {
        let slapd = try SlapdServer()
        let layout = DirectoryLayout(base: slapd.base)
        let connector = OpenLDAPConnector(connection: try slapd.adminConnection(), layout: layout,
                                          connect: { try LDAPConnection(url: slapd.url) })
        let uai = UAI("0860001X")!
        let day = CivilDate(year: 2026, month: 9, day: 3)!
        let accounts = (0..<5).map { i in
            ProvisionedAccount(account: Account(personID: "p\(i)", kind: .student, login: "eleve\(i)", entLogin: "e.\(i)",
                                                name: PersonName(familyName: "Nom\(i)", firstName: "Prénom"), status: .active, statusSince: day),
                               uidNumber: 200_000 + i, gidNumber: 100_000)
        }
        let school = SchoolDirectory(uai: uai, accounts: accounts, groups: [])
        let plan = try connector.plan(school, written: [:], passwords: [:])
        let batches = DirectorySyncService.batches(plan.operations, size: 3)
        for batch in batches { #expect(connector.execute(batch: batch).allSatisfy { $0 == nil }) }
        // Every add again (a run killed after its adds, before its journal): done, nothing twice.
        let adds = plan.operations.filter { $0.kind == .addAccount }
        #expect(connector.execute(batch: adds).allSatisfy { $0 == nil })
        #expect(try connector.plan(school, written: [:], passwords: [:]).operations.isEmpty)
        let gone = SchoolDirectory(uai: uai, accounts: [], groups: [])
        let deletions = try connector.plan(gone, written: [:], passwords: [:]).operations.filter { $0.kind == .deleteAccount }
        #expect(deletions.count == 5)
        #expect(connector.execute(batch: deletions).allSatisfy { $0 == nil })
        #expect(connector.execute(batch: deletions).allSatisfy { $0 == nil }, "deleted already: done")
    }

    @Test("Batches keep the plan's order: containers and renames alone, one kind per batch, distinct entries, at most the size")
    func batching() {
        func op(_ kind: DirectoryOperation.Kind, _ dn: String) -> DirectoryOperation {
            DirectoryOperation(kind: kind, key: dn, dn: dn, reason: Reason("test", "test"))
        }
        let ops = [op(.addContainer, "ou=a,dc=x"), op(.addContainer, "ou=b,ou=a,dc=x"), op(.rename, "uid=r,ou=a,dc=x"),
                   op(.rename, "uid=s,ou=a,dc=x"), op(.addAccount, "uid=1,ou=a,dc=x"), op(.addAccount, "uid=2,ou=a,dc=x"),
                   op(.addAccount, "uid=3,ou=a,dc=x"), op(.modifyAccount, "uid=9,ou=a,dc=x"), op(.modifyAccount, "UID=9,ou=a,dc=x"),
                   op(.addGroup, "cn=g,ou=a,dc=x")]
        let batches = DirectorySyncService.batches(ops, size: 2)
        #expect(batches.map { $0.map(\.dn) } == [
            ["ou=a,dc=x"], ["ou=b,ou=a,dc=x"], ["uid=r,ou=a,dc=x"], ["uid=s,ou=a,dc=x"],
            ["uid=1,ou=a,dc=x", "uid=2,ou=a,dc=x"], ["uid=3,ou=a,dc=x"],
            ["uid=9,ou=a,dc=x"], ["UID=9,ou=a,dc=x"], ["cn=g,ou=a,dc=x"],
        ])
        #expect(batches.flatMap { $0 } == ops, "nothing reordered, nothing lost")
    }
}
