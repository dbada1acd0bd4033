import BasculeDomain
import Testing

@Suite("Logins from French names")
struct LoginTests {
    func name(_ first: String, _ family: String, usage: String? = nil) -> PersonName {
        PersonName(familyName: family, usageName: usage, firstName: first)
    }

    @Test("pnom and p.nom from real French names", arguments: [
        ("Marie", "DUPONT", nil, "mdupont", "m.dupont"),
        ("Jean-Étienne", "D'ALEMBERT", nil, "jdalembert", "j.dalembert"),
        ("Zoé", "De La Fontaine", nil, "zdelafontaine", "z.delafontaine"),
        ("Élodie", "LECŒUR", nil, "elecoeur", "e.lecoeur"),
        ("Lætitia", "N'DIAYE", nil, "lndiaye", "l.ndiaye"),
        ("Maël", "MÜLLER", nil, "mmuller", "m.muller"),
        ("Ævar", "STRAUß", nil, "astrauss", "a.strauss"),
        ("Anaïs", "MARTIN", "LE GOFF", "alegoff", "a.legoff"),
        ("Hélène", "SAINT-EXUPÉRY", nil, "hsaintexupery", "h.saintexupery"),
        ("Çelik", "ÖZTÜRK", nil, "cozturk", "c.ozturk"),
    ] as [(String, String, String?, String, String)])
    func forms(first: String, family: String, usage: String?, network: String, educonnect: String) {
        let n = name(first, family, usage: usage)
        #expect(LoginTemplate.network.base(for: n) == network)
        #expect(LoginTemplate.educonnect.base(for: n) == educonnect)
    }

    @Test("Other templates, and only [a-z0-9.] in any login")
    func templates() throws {
        let full = try LoginTemplate("{prenom}.{nom}")
        #expect(full.base(for: name("Jean-Étienne", "D'Alembert")) == "jeanetienne.dalembert")
        #expect(full.base(for: name("", "Dupont")) == "dupont", "no dangling dot")
        #expect(throws: LoginTemplate.ParseError.unknownPlaceholder("surname")) { try LoginTemplate("{p}{surname}") }
        #expect(throws: LoginTemplate.ParseError.forbiddenCharacter("_")) { try LoginTemplate("{p}_{nom}") }
        #expect(throws: LoginTemplate.ParseError.noName) { try LoginTemplate("{p}") }
        let weird = name("Ðorđe", "Ǆ?x—y 😀")
        #expect(LoginTemplate.network.base(for: weird).allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") })
    }

    @Test("A long name is cut, never the homonym number (sAMAccountName: 20)")
    func truncation() throws {
        let ad = try LoginTemplate("{p}{nom}", maximumLength: 20)
        let n = name("Marie-Christine", "DE LA ROCHEFOUCAULD-MONTMORENCY")
        var taken = TakenLogins()
        let a = LoginAllocator(template: ad)
        let first = a.allocate([LoginRequest(personID: "1", name: n, birthDate: nil, sourceID: "1")], taken: &taken)["1"]!
        let second = a.allocate([LoginRequest(personID: "2", name: n, birthDate: nil, sourceID: "2")], taken: &taken)["2"]!
        #expect(first == "mdelarochefoucauldmo")
        #expect(first.count == 20)
        #expect(second == "mdelarochefoucauldm1")
        #expect(ad.login(base: "mdelarochefoucauldmontmorency", number: 123) == "mdelarochefoucaul123")
    }

    @Test("Homonyms are numbered by birth date then source id, whatever the file order; twins too")
    func homonyms() {
        let birth1 = CivilDate(year: 2013, month: 5, day: 2)!, birth2 = CivilDate(year: 2014, month: 1, day: 9)!
        let people = [
            LoginRequest(personID: "p3", name: name("Mathis", "DUPONT"), birthDate: birth2, sourceID: "300"),
            LoginRequest(personID: "p1", name: name("Marie", "Dupont"), birthDate: birth1, sourceID: "100"),
            LoginRequest(personID: "p2", name: name("Mélanie", "DUPONT"), birthDate: birth2, sourceID: "200"),
            LoginRequest(personID: "t", name: name("Théo", "Dupont"), birthDate: birth2, sourceID: "400"),
        ]
        var takenA = TakenLogins(), takenB = TakenLogins()
        let a = LoginAllocator().allocate(people, taken: &takenA)
        let b = LoginAllocator().allocate(people.reversed(), taken: &takenB)
        #expect(a == b)
        #expect(a == ["p1": "mdupont", "p2": "mdupont1", "p3": "mdupont2", "t": "tdupont"])
        var takenC = TakenLogins()
        let fromTwo = LoginAllocator(firstHomonymNumber: 2).allocate(people, taken: &takenC)
        #expect(fromTwo["p2"] == "mdupont2")
        #expect(fromTwo["p3"] == "mdupont3")
    }

    @Test("A homonym arriving a year later gets the next free number; logins in use never move")
    func laterHomonym() {
        var taken = TakenLogins(inUse: ["mdupont", "mdupont1"])
        let next = LoginAllocator().allocate([LoginRequest(personID: "n", name: name("Manon", "DUPONT"), birthDate: nil, sourceID: "9")], taken: &taken)
        #expect(next["n"] == "mdupont2")
    }

    @Test("Reserved words, group names and burnt logins are never given")
    func neverGiven() {
        var taken = TakenLogins(burnt: ["lmartin"], groupNames: ["6a", "cdupont"])
        let a = LoginAllocator().allocate([
            LoginRequest(personID: "1", name: name("Louis", "MARTIN"), birthDate: nil, sourceID: "1"),
            LoginRequest(personID: "2", name: name("Claire", "DUPONT"), birthDate: nil, sourceID: "2"),
            LoginRequest(personID: "3", name: name("Alice", "DMIN"), birthDate: nil, sourceID: "3"),
            LoginRequest(personID: "4", name: name("R", "OOT"), birthDate: nil, sourceID: "4"),
            // The local accounts of the server: games, bin, man, backup, sync…
            LoginRequest(personID: "5", name: name("Gabriel", "AMES"), birthDate: nil, sourceID: "5"),
            LoginRequest(personID: "6", name: name("Baptiste", "IN"), birthDate: nil, sourceID: "6"),
            LoginRequest(personID: "7", name: name("Sarah", "YNC"), birthDate: nil, sourceID: "7"),
            LoginRequest(personID: "8", name: name("Bruno", "ASCULE"), birthDate: nil, sourceID: "8"),
        ], taken: &taken)
        #expect(a == ["1": "lmartin1", "2": "cdupont1", "3": "admin1", "4": "root1", "5": "games1", "6": "bin1", "7": "sync1", "8": "bascule1"])
    }

    @Test("A name correction proposes a rename only when the stem changes")
    func rename() {
        let allocator = LoginAllocator()
        #expect(allocator.proposedRename(current: "hmartin", newName: name("Hélène", "MARTIN")) == nil)
        #expect(allocator.proposedRename(current: "mdupont2", newName: name("Marie", "Dupont")) == nil)
        #expect(allocator.proposedRename(current: "mdupont", newName: name("Marie", "DUPONT", usage: "DURAND")) == "mdurand")
    }
}
