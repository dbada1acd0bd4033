extension DirectoryState {
    /// The state after `actions` ran on `date`: what the embedded directory does, and how tests
    /// check that a plan, once applied, leaves nothing more to do.
    public func applying(_ actions: [PlanAction], on date: CivilDate) -> DirectoryState {
        var next = self
        var accountIndex = Dictionary(next.accounts.enumerated().map { ($1.personID, $0) }, uniquingKeysWith: { a, _ in a })
        var groupIndex = Dictionary(next.groups.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        func setStatus(_ id: String?, _ status: AccountStatus) {
            guard let id, let i = accountIndex[id] else { return }
            next.accounts[i].status = status
            next.accounts[i].statusSince = date
        }
        for a in actions {
            switch a.kind {
            case .createGroup:
                guard let name = a.group, groupIndex[name] == nil else { continue }
                groupIndex[name] = next.groups.count
                next.groups.append(DirectoryGroup(name: name, kind: a.groupKind ?? .group))
            case .createAccount:
                guard let id = a.personID, let login = a.login, let kind = a.personKind, let name = a.name else { continue }
                let account = Account(personID: id, kind: kind, login: login, entLogin: a.entLogin ?? login, name: name,
                                      status: .active, statusSince: date)
                if let i = accountIndex[id] { next.accounts[i] = account } else {
                    accountIndex[id] = next.accounts.count
                    next.accounts.append(account)
                }
                next.unburn(login)
                next.unburn(account.entLogin)
            case .reactivateAccount:
                setStatus(a.personID, .active)
            case .updateAccount:
                if let id = a.personID, let i = accountIndex[id], let name = a.name { next.accounts[i].name = name }
            case .proposeRename:
                break
            case .addMember:
                if let g = a.group, let i = groupIndex[g], let login = a.login { next.groups[i].members.insert(login) }
            case .removeMember:
                if let g = a.group, let i = groupIndex[g], let login = a.login { next.groups[i].members.remove(login) }
            case .markLeaving:
                setStatus(a.personID, .leaving)
            case .disableAccount:
                setStatus(a.personID, .disabled)
            case .deleteAccount:
                setStatus(a.personID, .deleted)
                if let login = a.login { next.burn(login, on: date) }
                if let id = a.personID, let i = accountIndex[id] { next.burn(next.accounts[i].entLogin, on: date) }
            case .deleteGroup:
                if let g = a.group, let i = groupIndex[g] {
                    next.groups.remove(at: i)
                    groupIndex = Dictionary(next.groups.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
                }
            }
        }
        return next
    }
}

extension DirectoryState {
    /// The state after a person accepted the rename a plan proposed (`proposeRename`): the account
    /// takes the corrected name and the new login (and ENT login, when proposed), every group
    /// follows, and the old logins are burnt on `date`, never given to anyone else meanwhile.
    public func renaming(_ proposal: PlanAction, on date: CivilDate) -> DirectoryState {
        guard proposal.kind == .proposeRename, let id = proposal.personID, let newLogin = proposal.newLogin,
              let i = accounts.firstIndex(where: { $0.personID == id && $0.status != .deleted }) else { return self }
        var next = self
        let old = next.accounts[i]
        next.accounts[i].login = newLogin
        if let name = proposal.name { next.accounts[i].name = name }
        next.unburn(newLogin)
        if let newEnt = proposal.newEntLogin {
            next.accounts[i].entLogin = newEnt
            next.unburn(newEnt)
            next.burn(old.entLogin, on: date)
        }
        for g in next.groups.indices where next.groups[g].members.contains(old.login) {
            next.groups[g].members.remove(old.login)
            next.groups[g].members.insert(newLogin)
        }
        next.burn(old.login, on: date)
        return next
    }
}
