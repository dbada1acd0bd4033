import BasculeDomain
import BasculeLDAP
import Testing

@Suite struct EscapingTests {
    @Test(arguments: [
        ("mdupont", "mdupont"),
        ("6A,ou=admin", "6A\\2cou\\3dadmin"),
        ("a+b", "a\\2bb"),
        ("#1", "\\231"),
        (" x ", "\\20x\\20"),
        ("D\"Al<e>m;b\\ert", "D\\22Al\\3ce\\3em\\3bb\\5cert"),
        ("Chloé", "Chloé"),
        ("nul\u{0}", "nul\\00"),
    ])
    func dnValues(_ raw: String, _ escaped: String) {
        #expect(LDAPEscape.dnValue(raw) == escaped)
    }

    @Test(arguments: [
        ("*)(uid=*", "\\2a\\29\\28uid=\\2a"),
        ("a\\b", "a\\5cb"),
        ("Zoé", "Zoé"),
    ])
    func filterValues(_ raw: String, _ escaped: String) {
        #expect(LDAPEscape.filterValue(raw) == escaped)
    }

    @Test func distinguishedNamesCompareAsTheDirectoryDoes() {
        #expect(DN.normalize("CN=6A\\,x,OU=Groupes,dc=B") == DN.normalize("cn=6a\\2cX,ou=groupes,DC=b"))
        #expect(DN.normalize("uid=a,ou=x") != DN.normalize("uid=a\\,ou=x"))
        #expect(DN.parent("cn=a\\,b,ou=groupes,dc=x") == "ou=groupes,dc=x")
        #expect(DN.firstValue("cn=6A\\2cou\\3dadmin,ou=g") == "6A,ou=admin")
    }
}

@Suite struct HostileGroupNamesTests {
    @Test("A class or group named like a system group, or unusable as a name, is never written to the directory; role groups are")
    func neverWritten() {
        let uai = UAI("0860001X")!
        let groups: [(String, GroupKind)] = [("6A", .division), ("sudo", .division), ("wheel", .group), ("..", .group),
                                             ("-x", .division), ("6A\u{0}", .division), ("equipe-root", .classTeam),
                                             ("equipe-6A", .classTeam), ("profs", .role), ("eleves", .role)]
        let school = SchoolDirectory(uai: uai, accounts: [], groups: groups.enumerated().map {
            ProvisionedGroup(group: DirectoryGroup(name: $0.element.0, kind: $0.element.1), gidNumber: 5000 + $0.offset)
        })
        let written = Set(school.entries(in: DirectoryLayout(base: "dc=x")).filter { $0.key.hasPrefix("group:") }.map(\.key))
        #expect(written == ["group:6A", "group:equipe-6A", "group:profs", "group:eleves"])
    }
}
