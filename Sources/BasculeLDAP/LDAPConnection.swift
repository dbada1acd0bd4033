import CLDAP
import Foundation

/// How a connection protects itself. `ldaps://` URLs are TLS from the first byte; `startTLS`
/// upgrades an `ldap://` connection before anything is sent, and refuses to go on in clear.
public struct LDAPTLSOptions: Sendable, Hashable {
    public var startTLS: Bool
    /// The CA that signed the server's certificate (PEM). Nil trusts the system's CAs.
    public var caFile: String?
    /// Lets an `ldap://` connection to another machine go without StartTLS (``LDAPTransport``):
    /// the documented insecure setting, off by default.
    public var allowCleartext: Bool

    public init(startTLS: Bool = false, caFile: String? = nil, allowCleartext: Bool = false) {
        self.startTLS = startTLS
        self.caFile = caFile
        self.allowCleartext = allowCleartext
    }
}

/// An attribute change, as LDAP's modify operation takes it.
public enum LDAPModification: Sendable, Hashable, Codable {
    case add(String, [String])
    case replace(String, [String])
    /// Removes these values, or the whole attribute with no values.
    case delete(String, [String])
}

/// An entry read back: its DN and its attributes, names in lower case (LDAP compares them so).
public struct LDAPEntry: Sendable, Hashable {
    public var dn: String
    public var attributes: [String: [String]]

    public init(dn: String, attributes: [String: [String]]) {
        self.dn = dn
        self.attributes = Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
    }

    public subscript(_ name: String) -> [String] { attributes[name.lowercased()] ?? [] }
    public func first(_ name: String) -> String? { self[name].first }
}

/// One write of a pipelined batch (``LDAPConnection/pipeline(_:window:)``).
public enum LDAPRequest: Sendable {
    case add(dn: String, attributes: [LDAPAttribute])
    case modify(dn: String, changes: [LDAPModification])
    case delete(dn: String)

    public var dn: String {
        switch self {
        case .add(let dn, _), .modify(let dn, _), .delete(let dn): dn
        }
    }

    /// How errors name the operation, as the synchronous calls do.
    var operation: String {
        switch self {
        case .add: "ajout"
        case .modify: "modification"
        case .delete: "suppression"
        }
    }
}

/// An attribute and its values, as an add sends them.
public struct LDAPAttribute: Sendable, Hashable {
    public var name: String
    public var values: [String]
    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }
}

public enum LDAPScope: Sendable {
    case base, oneLevel, subtree

    var raw: Int32 {
        switch self {
        case .base: LDAP_SCOPE_BASE
        case .oneLevel: LDAP_SCOPE_ONELEVEL
        case .subtree: LDAP_SCOPE_SUBTREE
        }
    }
}

/// A connection to an LDAP server through OpenLDAP's libldap, synchronous.
///
/// libldap's handle may be used from any thread but not from two at once: every call takes the
/// lock. The calls block their thread for one round trip, which the CLI and tests can afford;
/// a server runs them off its event loops.
public final class LDAPConnection: @unchecked Sendable {
    public let url: String
    private let ld: OpaquePointer
    private let lock = NSLock()
    private let timeoutSeconds: Int

    /// Opens (lazily, at the first operation) a connection to `url`, with StartTLS when asked:
    /// then the server must present a certificate the CA vouches for.
    public init(url: String, tls: LDAPTLSOptions = .init(), timeoutSeconds: Int = 10) throws {
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        // Before anything is sent: never a password in clear to another machine unless allowed.
        if case let .refused(why) = LDAPTransport.verdict(url: url, startTLS: tls.startTLS, caFile: tls.caFile,
                                                           allowCleartext: tls.allowCleartext) {
            throw LDAPError.tls(url: url, message: why)
        }
        var handle: OpaquePointer?
        let rc = ldap_initialize(&handle, url)
        guard rc == LDAP_SUCCESS, let handle else {
            throw LDAPError.connect(url: url, code: rc, message: String(cString: ldap_err2string(rc)))
        }
        ld = handle
        var version = LDAP_VERSION3
        ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout)
        ldap_set_option(ld, LDAP_OPT_TIMEOUT, &timeout)
        // Referrals would send the bind credentials to another server.
        ldap_set_option(ld, LDAP_OPT_REFERRALS, nil)
        if url.lowercased().hasPrefix("ldaps://") || tls.startTLS {
            var demand = LDAP_OPT_X_TLS_DEMAND
            ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)
            if let ca = tls.caFile {
                // Once every property is set, a throw runs deinit, which unbinds.
                guard FileManager.default.isReadableFile(atPath: ca) else {
                    throw LDAPError.tls(url: url, message: "fichier de l'autorité de certification illisible : \(ca)")
                }
                ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca)
            }
            var server = 0 as Int32
            ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &server)
        }
        if tls.startTLS && !url.lowercased().hasPrefix("ldaps://") {
            let rc = ldap_start_tls_s(ld, nil, nil)
            guard rc == LDAP_SUCCESS else {
                throw LDAPError.tls(url: url, message: diagnostic(rc))
            }
        }
    }

    deinit { ldap_unbind_ext_s(ld, nil, nil) }

    /// Simple bind. An empty password is refused here: LDAP would take it as an anonymous bind
    /// and answer success, which must never pass for a correct password.
    public func bind(dn: String, password: String) throws {
        guard !password.isEmpty else { throw LDAPError.bind(dn: dn, code: LDAP_INVALID_CREDENTIALS, message: "mot de passe vide") }
        try locked {
            var bytes = Array(password.utf8)
            let rc = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var cred = berval(bv_len: ber_len_t(buffer.count),
                                  bv_val: UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
                return ldap_sasl_bind_s(ld, dn, nil, &cred, nil, nil, nil)
            }
            // The password leaves no copy behind in this process's memory that we control.
            for i in bytes.indices { bytes[i] = 0 }
            guard rc == LDAP_SUCCESS else {
                if rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR {
                    throw LDAPError.connect(url: url, code: rc, message: diagnostic(rc))
                }
                throw LDAPError.bind(dn: dn, code: rc, message: diagnostic(rc))
            }
        }
    }

    public func add(_ dn: String, _ attributes: [(String, [String])]) throws {
        try locked {
            let rc = withMods(attributes.map { (LDAP_MOD_ADD, $0.0, $0.1) }) { ldap_add_ext_s(ld, dn, $0, nil, nil) }
            try check(rc, "ajout", dn)
        }
    }

    public func modify(_ dn: String, _ changes: [LDAPModification]) throws {
        guard !changes.isEmpty else { return }
        try locked {
            let mods = changes.map { change -> (Int32, String, [String]) in
                switch change {
                case .add(let a, let v): (LDAP_MOD_ADD, a, v)
                case .replace(let a, let v): (LDAP_MOD_REPLACE, a, v)
                case .delete(let a, let v): (LDAP_MOD_DELETE, a, v)
                }
            }
            let rc = withMods(mods) { ldap_modify_ext_s(ld, dn, $0, nil, nil) }
            try check(rc, "modification", dn)
        }
    }

    public func delete(_ dn: String) throws {
        try locked { try check(ldap_delete_ext_s(ld, dn, nil, nil), "suppression", dn) }
    }

    /// Sends `requests` with libldap's asynchronous calls (`ldap_add_ext`, `ldap_modify_ext`,
    /// `ldap_delete_ext`, each with its message id), keeping at most `window` of them waiting for
    /// their answer (`ldap_result`), and returns each request's outcome in the order given: nil
    /// when the server did it. The requests must not depend on one another (distinct entries, each
    /// one's parent already there): the server may answer them in any order.
    ///
    /// One round trip per request becomes one per window: on loopback the client then waits for
    /// the server only when the window is full. When the connection is lost, every request not
    /// answered yet gets the same `.connect` error: whether the server did it is unknown, which the
    /// next run learns by reading the directory again.
    public func pipeline(_ requests: [LDAPRequest], window: Int = 64) -> [LDAPError?] {
        locked {
            var outcomes = [LDAPError?](repeating: nil, count: requests.count)
            var waiting: [Int32: Int] = [:]
            var next = 0
            var lost: LDAPError?
            while lost == nil && (next < requests.count || !waiting.isEmpty) {
                while lost == nil && next < requests.count && waiting.count < max(1, window) {
                    var id: Int32 = 0
                    let rc = send(requests[next], &id)
                    if rc == LDAP_SUCCESS {
                        waiting[id] = next
                    } else if rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT {
                        lost = .connect(url: url, code: rc, message: diagnostic(rc))
                        outcomes[next] = lost
                    } else {
                        outcomes[next] = .operation(requests[next].operation, dn: requests[next].dn, code: rc, message: diagnostic(rc))
                    }
                    next += 1
                }
                guard lost == nil, !waiting.isEmpty else { continue }
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                var message: OpaquePointer?
                let type = ldap_result(ld, LDAP_RES_ANY, 1, &timeout, &message)
                guard type > 0, let message else {
                    if let message { ldap_msgfree(message) }
                    var code: Int32 = type == 0 ? LDAP_TIMEOUT : LDAP_SERVER_DOWN
                    if type < 0 { ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code) }
                    lost = .connect(url: url, code: code, message: diagnostic(code))
                    break
                }
                let id = ldap_msgid(message)
                var code: Int32 = LDAP_OTHER
                var text: UnsafeMutablePointer<CChar>?
                // Frees the message (last argument).
                let parsed = ldap_parse_result(ld, message, &code, nil, &text, nil, nil, 1)
                var words = String(cString: ldap_err2string(parsed == LDAP_SUCCESS ? code : parsed))
                if let text {
                    let extra = String(cString: text)
                    ldap_memfree(text)
                    if !extra.isEmpty { words += " (\(extra))" }
                }
                guard let index = waiting.removeValue(forKey: id) else { continue }
                if parsed != LDAP_SUCCESS { code = parsed }
                if code != LDAP_SUCCESS {
                    outcomes[index] = .operation(requests[index].operation, dn: requests[index].dn, code: code, message: words)
                }
            }
            if let lost {
                for index in waiting.values { outcomes[index] = lost }
                for index in next..<requests.count { outcomes[index] = lost }
            }
            return outcomes
        }
    }

    /// Sends one request without waiting for its answer.
    private func send(_ request: LDAPRequest, _ id: inout Int32) -> Int32 {
        switch request {
        case .add(let dn, let attributes):
            return withMods(attributes.map { (LDAP_MOD_ADD, $0.name, $0.values) }) { ldap_add_ext(ld, dn, $0, nil, nil, &id) }
        case .modify(let dn, let changes):
            let mods = changes.map { change -> (Int32, String, [String]) in
                switch change {
                case .add(let a, let v): (LDAP_MOD_ADD, a, v)
                case .replace(let a, let v): (LDAP_MOD_REPLACE, a, v)
                case .delete(let a, let v): (LDAP_MOD_DELETE, a, v)
                }
            }
            return withMods(mods) { ldap_modify_ext(ld, dn, $0, nil, nil, &id) }
        case .delete(let dn):
            return ldap_delete_ext(ld, dn, nil, nil, &id)
        }
    }

    /// Renames an entry (new RDN, old RDN value removed), and moves it under `newSuperior` if given.
    public func rename(_ dn: String, newRDN: String, newSuperior: String? = nil) throws {
        try locked { try check(ldap_rename_s(ld, dn, newRDN, newSuperior, 1, nil, nil), "renommage", dn) }
    }

    /// The entries under `base`, page by page (RFC 2696) so a server's size limit for ordinary
    /// accounts (500 by default on slapd) never truncates a school. A missing base is no entry.
    /// A `pageSize` of 0 asks without paging.
    public func search(base: String, scope: LDAPScope = .subtree, filter: String = "(objectClass=*)",
                       attributes: [String]? = nil, pageSize: Int32 = 500) throws -> [LDAPEntry] {
        try locked {
            var entries: [LDAPEntry] = []
            var cookie: UnsafeMutablePointer<berval>? = nil
            defer { if let cookie { ber_bvfree(cookie) } }
            repeat {
                var page: UnsafeMutablePointer<LDAPControl>?
                var rc = LDAP_SUCCESS
                if pageSize > 0 {
                    rc = ldap_create_page_control(ld, ber_int_t(pageSize), cookie, 0, &page)
                    try check(rc, "recherche", base)
                }
                defer { if let page { ldap_control_free(page) } }
                var controls: [UnsafeMutablePointer<LDAPControl>?] = [page, nil]
                var result: OpaquePointer?
                rc = withCStrings(attributes) { attrs in
                    controls.withUnsafeMutableBufferPointer { c in
                        ldap_search_ext_s(ld, base, scope.raw, filter, attrs, 0, page == nil ? nil : c.baseAddress, nil, nil,
                                          LDAP_NO_LIMIT, &result)
                    }
                }
                defer { if let result { ldap_msgfree(result) } }
                if rc == LDAP_NO_SUCH_OBJECT { return [] }
                try check(rc, "recherche", base)
                var entry = ldap_first_entry(ld, result)
                while let e = entry {
                    entries.append(read(e))
                    entry = ldap_next_entry(ld, e)
                }
                var serverControls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
                var code: Int32 = 0
                ldap_parse_result(ld, result, &code, nil, nil, nil, &serverControls, 0)
                defer { if let serverControls { ldap_controls_free(serverControls) } }
                if let cookie { ber_bvfree(cookie) }
                cookie = nil
                if let response = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, serverControls, nil) {
                    var count: ber_int_t = 0
                    var next = berval(bv_len: 0, bv_val: nil)
                    if ldap_parse_pageresponse_control(ld, response, &count, &next) == LDAP_SUCCESS, next.bv_len > 0 {
                        cookie = ber_bvdup(&next)
                    }
                    if next.bv_val != nil { ber_memfree(next.bv_val) }
                }
            } while cookie != nil
            return entries
        }
    }

    /// The entry at `dn`, or nil when there is none.
    public func read(_ dn: String, attributes: [String]? = nil) throws -> LDAPEntry? {
        try search(base: dn, scope: .base, attributes: attributes).first
    }

    // MARK: - libldap plumbing

    private func read(_ e: OpaquePointer) -> LDAPEntry {
        var dn = ""
        if let raw = ldap_get_dn(ld, e) {
            dn = String(cString: raw)
            ldap_memfree(raw)
        }
        var attributes: [String: [String]] = [:]
        var ber: OpaquePointer?
        var name = ldap_first_attribute(ld, e, &ber)
        while let n = name {
            let key = String(cString: n)
            if let values = ldap_get_values_len(ld, e, n) {
                var i = 0
                var list: [String] = []
                while let v = values[i] {
                    list.append(String(decoding: UnsafeRawBufferPointer(start: v.pointee.bv_val, count: Int(v.pointee.bv_len)), as: UTF8.self))
                    i += 1
                }
                ldap_value_free_len(values)
                attributes[key.lowercased(), default: []] += list
            }
            ldap_memfree(n)
            name = ldap_next_attribute(ld, e, ber)
        }
        if let ber { ber_free(ber, 0) }
        return LDAPEntry(dn: dn, attributes: attributes)
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func check(_ rc: Int32, _ operation: String, _ dn: String) throws {
        guard rc != LDAP_SUCCESS else { return }
        if rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT {
            throw LDAPError.connect(url: url, code: rc, message: diagnostic(rc))
        }
        throw LDAPError.operation(operation, dn: dn, code: rc, message: diagnostic(rc))
    }

    /// The server's own words when it gave some, else libldap's name for the code.
    private func diagnostic(_ rc: Int32) -> String {
        var text = String(cString: ldap_err2string(rc))
        var raw: UnsafeMutablePointer<CChar>?
        if ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw) == LDAP_OPT_SUCCESS, let raw {
            let extra = String(cString: raw)
            ldap_memfree(raw)
            if !extra.isEmpty { text += " (\(extra))" }
        }
        return text
    }

    /// Builds the NULL-terminated LDAPMod array libldap wants, values as bervals (binary-safe,
    /// UTF-8), and frees it after the call.
    private func withMods(_ mods: [(Int32, String, [String])], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<LDAPMod>?>) -> Int32) -> Int32 {
        var allocated: [UnsafeMutableRawPointer] = []
        defer { allocated.forEach { free($0) } }
        var list: [UnsafeMutablePointer<LDAPMod>?] = []
        for (op, type, values) in mods {
            let mod = UnsafeMutablePointer<LDAPMod>.allocate(capacity: 1)
            allocated.append(UnsafeMutableRawPointer(mod))
            mod.initialize(to: LDAPMod())
            mod.pointee.mod_op = op | LDAP_MOD_BVALUES
            let typeC = strdup(type)!
            allocated.append(UnsafeMutableRawPointer(typeC))
            mod.pointee.mod_type = typeC
            if values.isEmpty {
                bascule_ldapmod_set_bvals(mod, nil)
            } else {
                let array = UnsafeMutablePointer<UnsafeMutablePointer<berval>?>.allocate(capacity: values.count + 1)
                allocated.append(UnsafeMutableRawPointer(array))
                for (i, v) in values.enumerated() {
                    let bytes = Array(v.utf8)
                    let data = malloc(max(bytes.count, 1))!
                    allocated.append(data)
                    if !bytes.isEmpty { bytes.withUnsafeBytes { data.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) } }
                    let bv = UnsafeMutablePointer<berval>.allocate(capacity: 1)
                    allocated.append(UnsafeMutableRawPointer(bv))
                    bv.initialize(to: berval(bv_len: ber_len_t(bytes.count), bv_val: data.assumingMemoryBound(to: CChar.self)))
                    array[i] = bv
                }
                array[values.count] = nil
                bascule_ldapmod_set_bvals(mod, array)
            }
            list.append(mod)
        }
        list.append(nil)
        return list.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    private func withCStrings<T>(_ strings: [String]?, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> T) -> T {
        guard let strings else { return body(nil) }
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
}
