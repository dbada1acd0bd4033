import BasculeDomain
import BasculeMail
import BasculeStore

/// Who hears of each open to-do: the people of its role at its school, at the address recorded
/// for them (``Store/setContact``), or, when none of them has one, the department, told so.
///
/// - direction: the school's staff whose function is `DIR` in the newest STS-Web export, with an
///   active account;
/// - rupn: the holders of the `rupn` right, with an active account;
/// - department: the addresses `courriel.departement` lists.
struct ToDoRecipients {
    let store: Store
    let department: [MailAddress]

    /// One to-do in one person's digest.
    struct Item {
        var row: ToDoRow
        /// Why the department got it rather than the school (nobody of the role could be reached).
        var forwarded: String?
    }

    /// One person's digest: the to-dos they can act on, oldest first.
    struct Digest {
        var address: MailAddress
        var items: [Item]
    }

    func digests() async throws -> [Digest] {
        let open = try await store.todos(includeClosed: false)
        var byAddress: [String: Digest] = [:]
        func add(_ address: MailAddress, _ item: Item) {
            byAddress[address.key, default: Digest(address: address, items: [])].items.append(item)
        }
        var people: [UAI: [ToDo.Role: [MailAddress]]] = [:]
        for row in open {
            let t = row.todo
            if t.role == .department {
                for a in department { add(a, Item(row: row)) }
                continue
            }
            if people[t.uai] == nil { people[t.uai] = try await schoolPeople(t.uai) }
            let addresses = people[t.uai]?[t.role] ?? []
            if addresses.isEmpty {
                let note = "aucune adresse n'est enregistrée pour le rôle \(t.role.label) de \(t.uai) (bascule contacts set --uai \(t.uai) IDENTIFIANT ADRESSE)"
                for a in department { add(a, Item(row: row, forwarded: note)) }
            } else {
                for a in addresses { add(a, Item(row: row)) }
            }
        }
        return byAddress.values.sorted { $0.address < $1.address }
    }

    /// The addresses of the direction and of the RUPNs of a school.
    func schoolPeople(_ uai: UAI) async throws -> [ToDo.Role: [MailAddress]] {
        let school = try await SchoolAccounts.load(store, uai: uai)
        let contacts = Dictionary(try await store.contacts(uai: uai).map { ($0.personID, $0.address) }, uniquingKeysWith: { a, _ in a })
        var out: [ToDo.Role: Set<MailAddress>] = [:]
        for account in school.directory.accounts where account.status == .active {
            guard let text = contacts[account.personID], let address = MailAddress(text) else { continue }
            let holder = school.holder(account)
            if holder.isDirection { out[.direction, default: []].insert(address) }
            if holder.rights.contains(.rupn) { out[.rupn, default: []].insert(address) }
        }
        return out.mapValues { $0.sorted() }
    }
}
