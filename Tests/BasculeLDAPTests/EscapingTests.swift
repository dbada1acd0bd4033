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
