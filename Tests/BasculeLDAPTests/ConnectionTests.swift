import BasculeLDAP
import BasculeTesting
import Foundation
import Testing

/// The client against a real slapd on loopback.
@Suite struct ConnectionTests {
    @Test func addSearchModifyBindDelete() throws {
        let slapd = try SlapdServer()
        let admin = try slapd.adminConnection()
        let people = "ou=people,\(slapd.base)"
        try admin.add(people, [("objectClass", ["organizationalUnit"]), ("ou", ["people"])])
        // Accents and an apostrophe in values, as names have them.
        let dn = "uid=cdalembert,\(people)"
        try admin.add(dn, [("objectClass", ["inetOrgPerson"]), ("uid", ["cdalembert"]), ("cn", ["Chloé D'Alembert"]),
                           ("sn", ["D'Alembert"]), ("userPassword", ["Tr0ub4dor&3x!"])])
        let read = try #require(try admin.read(dn))
        #expect(read.first("cn") == "Chloé D'Alembert")
        try admin.modify(dn, [.add("mail", ["c.dalembert@example.org"]), .replace("sn", ["Dalembert"])])
        #expect(try admin.read(dn)?.first("sn") == "Dalembert")

        let user = try LDAPConnection(url: slapd.url)
        try user.bind(dn: dn, password: "Tr0ub4dor&3x!")
        let wrong = try LDAPConnection(url: slapd.url)
        #expect(throws: LDAPError.self) { try wrong.bind(dn: dn, password: "mauvais") }
        // An empty password would be an anonymous bind that "succeeds": refused before LDAP.
        #expect(throws: LDAPError.self) { try wrong.bind(dn: dn, password: "") }

        try admin.delete(dn)
        #expect(try admin.read(dn) == nil)
        #expect(try admin.search(base: "ou=nowhere,\(slapd.base)").isEmpty)
    }

    @Test func searchesPastTheServerSizeLimitPageByPage() throws {
        let slapd = try SlapdServer()
        let admin = try slapd.adminConnection()
        let unit = "ou=many,\(slapd.base)"
        try admin.add(unit, [("objectClass", ["organizationalUnit"]), ("ou", ["many"])])
        for i in 0..<620 {
            try admin.add("cn=p\(i),\(unit)", [("objectClass", ["person"]), ("cn", ["p\(i)"]), ("sn", ["x"])])
        }
        // An ordinary account is held to slapd's sizelimit (500 here): paging reads everything.
        let reader = "cn=reader,\(slapd.base)"
        try admin.add(reader, [("objectClass", ["person", "simpleSecurityObject"]), ("cn", ["reader"]), ("sn", ["r"]),
                               ("userPassword", ["lecture-seule"])])
        let c = try LDAPConnection(url: slapd.url)
        try c.bind(dn: reader, password: "lecture-seule")
        #expect(try c.search(base: unit, scope: .oneLevel, filter: "(objectClass=person)", attributes: ["cn"], pageSize: 200).count == 620)
        // Without paging, the same account stops at the limit.
        #expect(throws: LDAPError.self) { try c.search(base: unit, scope: .oneLevel, filter: "(objectClass=person)", attributes: ["cn"], pageSize: 0) }
    }

    @Test func hostileValuesStayValues() throws {
        let slapd = try SlapdServer()
        let admin = try slapd.adminConnection()
        let groups = "ou=groupes,\(slapd.base)"
        try admin.add(groups, [("objectClass", ["organizationalUnit"]), ("ou", ["groupes"])])
        let hostile = ["6A,ou=admin", "*)(cn=*", "x\\2c", "#root", " lead", "a+cn=b", "\"q\";<>"]
        for name in hostile {
            try admin.add(LDAPEscape.rdn("cn", name) + "," + groups,
                          [("objectClass", ["posixGroup"]), ("cn", [name]), ("gidNumber", ["1"])])
        }
        for name in hostile {
            let found = try admin.search(base: groups, filter: "(cn=\(LDAPEscape.filterValue(name)))", attributes: ["cn"])
            #expect(found.map { $0.first("cn") } == [name], "\(name)")
            #expect(found.first.map { DN.normalize($0.dn) } == DN.normalize(LDAPEscape.rdn("cn", name) + "," + groups))
        }
        // The filter of a hostile value matches that value only, never everything.
        #expect(try admin.search(base: groups, filter: "(cn=\(LDAPEscape.filterValue("*")))").isEmpty)
        #expect(try admin.search(base: groups, scope: .oneLevel).count == hostile.count)
    }

    @Test func startTLSAndLDAPSWithTheSchoolCA() throws {
        let slapd = try SlapdServer(tls: true)
        let ca = try #require(slapd.caFile)
        let secure = try slapd.adminConnection(url: slapd.ldapsURL, tls: .init(caFile: ca))
        #expect(try secure.read(slapd.base) != nil)
        let upgraded = try slapd.adminConnection(tls: .init(startTLS: true, caFile: ca))
        #expect(try upgraded.read(slapd.base) != nil)
        // Another CA: the server's certificate is refused, nothing is sent in clear.
        let other = try SlapdServer.makeCertificates(in: slapd.directory.appendingPathComponent("other"))
        #expect(throws: LDAPError.self) { try slapd.adminConnection(url: slapd.ldapsURL, tls: .init(caFile: other.ca)) }
        #expect(throws: LDAPError.self) { try slapd.adminConnection(tls: .init(startTLS: true, caFile: other.ca)) }
    }
}
