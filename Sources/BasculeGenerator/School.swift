import BasculeDomain

/// A new family: its responsables (already registered in the school) and the children's names.
struct FamilySeed {
    var key: Int
    var parentIDs: [String]
    var surname: String
    var usage: String?
}

/// How a student comes to be in the school.
enum Arrival {
    /// Part of the first generated year's population.
    case initial
    /// A new 6e from a feeder primary school.
    case sixth
    /// From a collège outside the academy (or from abroad, then often without INE).
    case outside
}

/// Students moving together to another school of the academy.
struct Mover: Sendable {
    var students: [StudentState]
    var parents: [ParentState]
    var from: Int
    var to: Int
}

/// One collège while the simulation runs: its people this year and its own random stream.
struct SchoolState: Sendable {
    let index: Int
    let uai: UAI
    let patron: String
    let city: String
    let place: Int
    let feeders: [Int]
    let outsidePlaces: [Int]
    let style: DivisionStyle
    let structuresFirst: Bool
    let mixedCaseParents: Bool
    let target: Int
    var rng: Xoshiro
    var elenoet: Int
    var active: [StudentState] = []
    var parents: [String: ParentState] = [:]
    var staff: [StaffState] = []
    var corrections: [NameCorrection] = []
    var usageChanges: [NameCorrection] = []
    var attributions: [INEAttribution] = []
    var ids: IDs
    /// Families leaving for another school of the academy at the coming rentrée.
    var outgoing: [Mover] = []
    var history: [YearDetails] = []

    var name: String { "Collège \(patron)" }

    /// Runs a step with the school's own id counters.
    mutating func withIDs<R>(_ body: (inout SchoolState, inout IDs) -> R) -> R {
        var counters = ids
        let result = body(&self, &counters)
        ids = counters
        return result
    }

    // MARK: People

    mutating func makeFamily(ids: inout IDs, surname forced: String? = nil) -> FamilySeed {
        let fatherName = forced ?? Corpus.surnames.draw(&rng)
        var motherName = Corpus.surnames.draw(&rng)
        if motherName == fatherName { motherName = Corpus.surnames.draw(&rng) }
        var childSurname = fatherName
        var childUsage: String?
        var list: [ParentState] = []
        let shape = rng.unit()
        if shape < 0.70 {
            // Two parents.
            if forced == nil, rng.chance(0.06) { childSurname = "\(fatherName)-\(motherName)" }
            let married = rng.chance(0.55)
            let mother = makeParent(sex: 2, family: motherName, usage: married ? fatherName : nil, relation: "10", ids: &ids)
            let father = makeParent(sex: 1, family: fatherName, usage: nil, relation: "20", ids: &ids)
            list = rng.chance(0.6) ? [mother, father] : [father, mother]
        } else if shape < 0.88 {
            // Mother alone.
            if forced == nil, rng.chance(0.4) { childSurname = motherName }
            let usage = childSurname == fatherName && rng.chance(0.3) ? fatherName : nil
            list = [makeParent(sex: 2, family: forced == nil ? motherName : childSurname, usage: usage, relation: "10", ids: &ids)]
        } else if shape < 0.97 {
            list = [makeParent(sex: 1, family: fatherName, usage: nil, relation: "20", ids: &ids)]
        } else {
            // A tutor, with a name of their own.
            let tutorSex: UInt8 = rng.chance(0.6) ? 2 : 1
            list = [makeParent(sex: tutorSex, family: Corpus.surnames.draw(&rng), usage: nil, relation: "50", ids: &ids)]
        }
        if rng.chance(0.03), childSurname != motherName { childUsage = "\(childSurname)-\(motherName)" }
        for p in list { parents[p.sourceID] = p }
        return FamilySeed(key: ids.family(), parentIDs: list.map(\.sourceID), surname: childSurname, usage: childUsage)
    }

    mutating func makeParent(sex: UInt8, family: String, usage: String?, relation: String, ids: inout IDs) -> ParentState {
        let first = rng.pick(sex == 1 ? Corpus.men : Corpus.women)
        var email: String?
        if rng.chance(0.8) {
            let local = Corpus.emailKey(first) + (rng.chance(0.7) ? "." : "") + Corpus.emailKey(usage ?? family)
            email = local + (rng.chance(0.35) ? String(rng.int(1...99)) : "") + "@" + rng.pick(Corpus.emailDomains)
        }
        let mobile = rng.chance(0.92) ? "063998" + fourDigits() : nil
        let home = rng.chance(0.35) ? "053649" + fourDigits() : nil
        let professions = ["10", "21", "23", "31", "33", "34", "37", "38", "42", "43", "46", "47", "48", "52", "53",
                           "54", "55", "56", "61", "66", "69", "71", "81", "84", "99"]
        return ParentState(sourceID: ids.person(&rng), sex: sex, civility: sex == 1 ? "M." : "MME", family: family,
                           usage: usage, upper: family.uppercased(), usageUpper: usage?.uppercased(), first: first, email: email, mobile: mobile, home: home, relation: relation,
                           profession: rng.pick(professions))
    }

    private mutating func fourDigits() -> String {
        let n = rng.below(10_000)
        return String(repeating: "0", count: n < 10 ? 3 : n < 100 ? 2 : n < 1000 ? 1 : 0) + String(n)
    }

    private mutating func firstName(sex: UInt8, avoiding: [String]) -> String {
        let list = sex == 1 ? Corpus.boys : Corpus.girls
        var name = rng.pick(list)
        while avoiding.contains(name) { name = rng.pick(list) }
        return name
    }

    private mutating func birthDate(level: Int, year: Int, shift: Bool) -> CivilDate {
        var y = year - 11 - level
        if shift {
            let r = rng.unit()
            if r < 0.07 { y -= 1 } else if r < 0.08 { y += 1 }
        }
        return CivilDate(year: y, month: 1, day: 1)!.adding(days: rng.below(CivilDate.daysIn(month: 2, year: y) == 29 ? 366 : 365))
    }

    /// Children of one family arriving together: one per level given (twins when `twins`).
    @discardableResult
    mutating func addChildren(_ family: FamilySeed, levels: [Int], twins: Bool, year: Int, arrival: Arrival,
                              siblings: [String] = [], ids: inout IDs) -> [Int] {
        var added: [Int] = []
        var names = siblings
        var twinBirth: CivilDate?
        // In the first year, some families moved here after their children started collège elsewhere.
        var moved: (year: Int, from: Int)?
        if arrival == .initial, rng.chance(0.1) {
            moved = (year - rng.below((levels.max() ?? 0) + 1), rng.pick(outsidePlaces))
        }
        for level in levels {
            let sex: UInt8 = rng.chance(0.5) ? 1 : 2
            let first = firstName(sex: sex, avoiding: names)
            names.append(first)
            var birth = birthDate(level: level, year: year, shift: levels.count == 1)
            if twins {
                if let b = twinBirth { birth = b } else { twinBirth = birth }
            }
            var student = makeStudent(family: family, first: first, sex: sex, level: level, birth: birth, year: year,
                                      arrival: arrival, moved: moved, ids: &ids)
            if rng.chance(0.02) { degrade(&student) }
            active.append(student)
            added.append(active.count - 1)
        }
        return added
    }

    mutating func makeStudent(family: FamilySeed, first: String, sex: UInt8, level: Int, birth: CivilDate, year: Int,
                              arrival: Arrival, moved: (year: Int, from: Int)? = nil, ids: inout IDs) -> StudentState {
        var others: [String] = []
        let list = sex == 1 ? Corpus.boys : Corpus.girls
        if rng.chance(0.65) {
            var second = rng.pick(list)
            while second == first { second = rng.pick(list) }
            others.append(second)
            if rng.chance(0.35) {
                var third = rng.pick(list)
                while third == first || third == second { third = rng.pick(list) }
                others.append(third)
            }
        }
        let rentree = CivilDate(year: year, month: 9, day: 1)!
        var entry = rentree
        var previous = Previous(place: rng.pick(feeders), division: nil, mef: nil)
        var withINE = true
        var birthPlace = rng.chance(0.8) ? rng.below(6) : (rng.chance(0.65) ? 6 + rng.below(6) : 12 + rng.below(6))
        switch arrival {
        case .initial:
            let started = year - level
            if let m = moved, m.year > started {
                // Started collège elsewhere, arrived here with the family (at a rentrée or during a year).
                entry = CivilDate(year: m.year, month: 9, day: 1)!.adding(days: m.year == year ? 0 : rng.below(200))
                previous = m.year == year
                    ? Previous(place: m.from, division: nil, mef: Level.mef[level - 1])
                    : Previous(place: place, division: style.code(level: level - 1, index: rng.below(max(1, target / 112))),
                               mef: Level.mef[level - 1])
            } else if level > 0 {
                entry = CivilDate(year: started, month: 9, day: 1)!
                previous = Previous(place: place, division: style.code(level: level - 1, index: rng.below(max(1, target / 112))),
                                    mef: Level.mef[level - 1])
            }
        case .sixth:
            withINE = !rng.chance(0.02)
        case .outside:
            previous = Previous(place: rng.pick(outsidePlaces), division: nil, mef: level > 0 ? Level.mef[level - 1] : nil)
            if rng.chance(0.2) {
                withINE = false
                birthPlace = 12 + rng.below(6)
            }
        }
        elenoet += 1 + rng.below(3)
        let bilingual = level == 0 ? rng.chance(0.12) : rng.chance(0.08)
        return StudentState(
            sourceID: ids.student(&rng), ine: withINE ? ids.ine() : nil, elenoet: String(elenoet), family: family.key,
            surname: family.surname, usage: family.usage, upper: family.surname.uppercased(),
            usageUpper: family.usage?.uppercased(), first: first, properFirst: nil, others: others, birth: birth,
            sex: sex, level: level, entry: entry, regime: rng.chance(0.72) ? "2" : "0",
            lv2: bilingual || rng.chance(0.22) ? .german : .spanish, latin: level >= 1 && rng.chance(0.2),
            bilingual: bilingual, parentIDs: family.parentIDs, previous: previous, birthPlace: birthPlace)
    }

    /// The first name as a careless keying wrote it, accents lost; `properFirst` keeps the right one.
    private func degrade(_ s: inout StudentState) {
        guard s.properFirst == nil else { return }
        let plain = Corpus.withoutAccents(s.first)
        guard plain != s.first else { return }
        s.properFirst = s.first
        s.first = plain
    }

    /// Makes sure at least `count` students matching `filter` have a misspelt first name to be fixed later.
    private mutating func ensureDegraded(_ count: Int, among filter: (StudentState) -> Bool) {
        var have = active.filter { filter($0) && $0.properFirst != nil }.count
        guard have < count else { return }
        var candidates = active.indices.filter { filter(active[$0]) && active[$0].properFirst == nil && !active[$0].pinned
            && Corpus.withoutAccents(active[$0].first) != active[$0].first }
        rng.shuffle(&candidates)
        for i in candidates where have < count {
            degrade(&active[i])
            have += 1
        }
    }

    /// Makes sure at least `count` students matching `filter` have no INE.
    private mutating func ensureWithoutINE(_ count: Int, among filter: (StudentState) -> Bool) {
        var have = active.filter { filter($0) && $0.ine == nil }.count
        guard have < count else { return }
        var candidates = active.indices.filter { filter(active[$0]) && active[$0].ine != nil }
        rng.shuffle(&candidates)
        for i in candidates where have < count {
            active[i].ine = nil
            have += 1
        }
    }

    /// A student with the same family name as an existing one and the same first name
    /// (`sameFirstName`) or the same initial: the homonyms logins and lists trip over.
    private mutating func addHomonym(of index: Int, sameFirstName: Bool, level: Int, year: Int, arrival: Arrival,
                                     ids: inout IDs) {
        // Both kept active this year, so that the pair is there to be seen.
        active[index].pinned = true
        let other = active[index]
        let family = makeFamily(ids: &ids, surname: other.surname)
        var first = other.first
        if !sameFirstName {
            let list = other.sex == 1 ? Corpus.boys : Corpus.girls
            let initial = other.first.first
            let sameInitial = list.filter { $0.first == initial && $0 != other.first }
            first = sameInitial.isEmpty ? rng.pick(list.filter { $0 != other.first }) : rng.pick(sameInitial)
        }
        var student = makeStudent(family: family, first: first, sex: other.sex, level: level,
                                  birth: birthDate(level: level, year: year, shift: false), year: year, arrival: arrival, ids: &ids)
        student.pinned = true
        active.append(student)
    }

    // MARK: The first year's population

    mutating func populate(year: Int, ids: inout IDs) {
        var quota = (0..<Level.count).map { _ in Int((Double(target) / 4 * (0.97 + 0.06 * rng.unit())).rounded()) }
        func take(_ levels: [Int]) { for l in levels { quota[l] -= 1 } }

        // Twins, young enough to be there next year too.
        let twinLevel = rng.below(2)
        let twins = makeFamily(ids: &ids)
        addChildren(twins, levels: [twinLevel, twinLevel], twins: true, year: year, arrival: .initial, ids: &ids)
        take([twinLevel, twinLevel])

        // The names real files are full of: a ligature, apostrophes, particles, umlauts.
        var showcase = Corpus.showcaseSurnames
        rng.shuffle(&showcase)
        for surname in [rng.pick(Corpus.ligatureSurnames)] + showcase.prefix(5) {
            let level = rng.below(Level.count)
            addChildren(makeFamily(ids: &ids, surname: surname), levels: [level], twins: false, year: year,
                        arrival: .initial, ids: &ids)
            take([level])
        }

        // Families until every level is full: siblings at different levels, now and then twins.
        while quota.contains(where: { $0 > 0 }) {
            let open = (0..<Level.count).filter { quota[$0] > 0 }
            let r = rng.unit()
            if r < 0.015, let l = open.first(where: { quota[$0] >= 2 }) {
                addChildren(makeFamily(ids: &ids), levels: [l, l], twins: true, year: year, arrival: .initial, ids: &ids)
                take([l, l])
                continue
            }
            let wanted = r < 0.05 ? 3 : r < 0.22 ? 2 : 1
            var levels = open
            rng.shuffle(&levels)
            let chosen = Array(levels.prefix(wanted)).sorted()
            addChildren(makeFamily(ids: &ids), levels: chosen, twins: false, year: year, arrival: .initial, ids: &ids)
            take(chosen)
        }

        // Homonyms: a full one and one sharing the initial, both staying next year.
        let young = active.indices.filter { active[$0].level < 2 }
        addHomonym(of: rng.pick(young), sameFirstName: true, level: rng.below(2), year: year, arrival: .initial, ids: &ids)
        addHomonym(of: rng.pick(young), sameFirstName: false, level: rng.below(3), year: year, arrival: .initial, ids: &ids)

        ensureDegraded(3, among: { $0.level < 2 })
        ensureWithoutINE(max(1, active.count / 100), among: { _ in true })
    }

    // MARK: From one school year to the next

    /// Moves everyone up a year: 3e leave, a few families leave the academy or move to another
    /// of its schools (returned, to be received there), the others move up one level.
    mutating func advance(schools: Int, ids: inout IDs) -> [Mover] {
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        for (i, s) in active.enumerated() where s.level < Level.count - 1 {
            if members[s.family] == nil { order.append(s.family) }
            members[s.family, default: []].append(i)
        }
        enum Fate { case stay, leave, move }
        var fates = order.map { _ in Fate.stay }
        var eligible: [Int] = []
        for (k, family) in order.enumerated() {
            let canMove = schools > 1 && members[family]!.allSatisfy { active[$0].ine != nil }
            if canMove { eligible.append(k) }
            let r = rng.unit()
            if r < 0.02 { fates[k] = .leave } else if r < 0.035, canMove { fates[k] = .move }
        }
        if schools > 1, !fates.contains(where: { $0 == .move }), !eligible.isEmpty {
            fates[rng.pick(eligible)] = .move
        }

        var next: [StudentState] = []
        var movers: [Mover] = []
        attributions = []
        for (k, family) in order.enumerated() {
            var kids = members[family]!.map { promote(active[$0]) }
            switch fates[k] {
            case .leave: continue
            case .stay:
                // Most newcomers without INE get one the following year, under the same ELEVE_ID.
                for i in kids.indices where kids[i].ine == nil && rng.chance(0.8) {
                    kids[i].ine = ids.ine()
                    attributions.append(INEAttribution(sourceID: kids[i].sourceID, ine: kids[i].ine!))
                }
                next.append(contentsOf: kids)
            case .move:
                var to = rng.below(schools - 1)
                if to >= index { to += 1 }
                let family = kids[0].parentIDs.compactMap { parents[$0] }
                movers.append(Mover(students: kids, parents: family, from: index, to: to))
            }
        }
        active = next
        return movers
    }

    private mutating func promote(_ old: StudentState) -> StudentState {
        var s = old
        s.previous = Previous(place: place, division: old.division, mef: Level.mef[old.level])
        s.level += 1
        if s.level == 1 { s.latin = rng.chance(0.2) } else if s.latin, rng.chance(0.1) { s.latin = false }
        s.division = nil
        s.groups = []
        s.leaving = nil
        s.pinned = false
        return s
    }

    /// A family arriving from another school of the academy: new `ELEVE_ID`s and `PERSONNE_ID`s
    /// (a new registration), the same INE, names and birth dates.
    mutating func receive(_ mover: Mover, from: UAI, year: Int, ids: inout IDs) -> [SchoolTransfer] {
        var newIDs: [String: String] = [:]
        for p in mover.parents {
            var copy = p
            copy.sourceID = ids.person(&rng)
            newIDs[p.sourceID] = copy.sourceID
            parents[copy.sourceID] = copy
        }
        let family = ids.family()
        var transfers: [SchoolTransfer] = []
        for old in mover.students {
            var s = old
            s.sourceID = ids.student(&rng)
            elenoet += 1 + rng.below(3)
            s.elenoet = String(elenoet)
            s.family = family
            s.parentIDs = old.parentIDs.compactMap { newIDs[$0] }
            s.entry = CivilDate(year: year, month: 9, day: 1)!
            s.pinned = true
            active.append(s)
            transfers.append(SchoolTransfer(year: SchoolYear(startYear: year), ine: s.ine!, from: from,
                                            fromSourceID: old.sourceID, to: uai, toSourceID: s.sourceID))
        }
        return transfers
    }

    /// The rentrée's newcomers: a new 6e cohort (some joining brothers and sisters already there),
    /// and a few arrivals in the other levels from outside the academy.
    mutating func admit(year: Int, ids: inout IDs) {
        for level in 1..<Level.count {
            let count = Int(Double(target) / 4 * 0.02 + rng.unit())
            for _ in 0..<count {
                addChildren(makeFamily(ids: &ids), levels: [level], twins: false, year: year, arrival: .outside, ids: &ids)
            }
        }
        let cohort = Int((Double(target) / 4 * (0.96 + 0.08 * rng.unit())).rounded())
        let firstSixth = active.count
        let elders = active.indices.filter { active[$0].level >= 1 }
        var added = 0
        while added < cohort {
            if rng.chance(0.15), !elders.isEmpty {
                let sibling = active[rng.pick(elders)]
                let family = FamilySeed(key: sibling.family, parentIDs: sibling.parentIDs, surname: sibling.surname,
                                        usage: sibling.usage)
                let names = active.compactMap { $0.family == family.key ? $0.first : nil }
                addChildren(family, levels: [0], twins: false, year: year, arrival: .sixth, siblings: names, ids: &ids)
                added += 1
            } else if rng.chance(0.015), cohort - added >= 2 {
                addChildren(makeFamily(ids: &ids), levels: [0, 0], twins: true, year: year, arrival: .sixth, ids: &ids)
                added += 2
            } else {
                addChildren(makeFamily(ids: &ids), levels: [0], twins: false, year: year, arrival: .sixth, ids: &ids)
                added += 1
            }
        }
        if let other = active.indices.filter({ active[$0].level >= 1 }).randomElement(using: &rng) {
            addHomonym(of: other, sameFirstName: false, level: 0, year: year, arrival: .sixth, ids: &ids)
        }
        // This rentrée's 6e, transfers (pinned) aside.
        let isNew: (StudentState) -> Bool = { $0.entry.year == year && $0.entry.month == 9 && $0.entry.day == 1 && !$0.pinned }
        ensureDegraded(2, among: { $0.level == 0 && isNew($0) })
        let newcomers = active[firstSixth...].count
        ensureWithoutINE(max(1, newcomers / 50), among: { $0.level == 0 && isNew($0) })
    }

    /// One misspelt first name fixed this year (the ids stay): an accent restored.
    mutating func correctOneName() {
        corrections = []
        let candidates = active.indices.filter { active[$0].properFirst != nil && !active[$0].pinned }
        guard let i = candidates.randomElement(using: &rng) else { return }
        let before = active[i].writtenName
        active[i].first = active[i].properFirst!
        active[i].properFirst = nil
        active[i].pinned = true
        corrections.append(NameCorrection(sourceID: active[i].sourceID, before: before, after: active[i].writtenName))
    }

    /// `count` students start going by a usage name made of their family name and another one,
    /// as SIECLE records it when a family asks (the ids stay).
    mutating func giveUsageNames(_ count: Int) {
        usageChanges = []
        var candidates = active.indices.filter { active[$0].usage == nil && active[$0].properFirst == nil && !active[$0].pinned }
        rng.shuffle(&candidates)
        for i in candidates.prefix(count) {
            let before = active[i].writtenName
            var other = Corpus.surnames.draw(&rng)
            while other == active[i].surname { other = Corpus.surnames.draw(&rng) }
            active[i].usage = active[i].surname + " " + other
            active[i].usageUpper = active[i].upper + " " + other.uppercased()
            active[i].pinned = true
            usageChanges.append(NameCorrection(sourceID: active[i].sourceID, before: before, after: active[i].writtenName))
        }
    }

    // MARK: Staff

    mutating func hireTeacher(_ pool: Pool, year: Int, ids: inout IDs, classics: Bool = false) -> StaffState {
        var s = makeAdult(function: "ENS", year: year, ids: &ids)
        s.pool = pool
        s.classics = classics
        if pool == .sport {
            s.grade = "PROF. EPS"
        } else {
            let r = rng.unit()
            s.grade = r < 0.1 ? "AGREGE" : r < 0.22 ? "CONTRACTUEL" : "CERTIFIE"
        }
        return s
    }

    mutating func makeAdult(function: String, grade: String = "", year: Int, ids: inout IDs) -> StaffState {
        let sex: UInt8 = rng.chance(0.62) ? 2 : 1
        let first = rng.pick(sex == 1 ? Corpus.men : Corpus.women)
        let patronymic = Corpus.surnames.draw(&rng)
        let usage = sex == 2 && rng.chance(0.4) ? Corpus.surnames.draw(&rng) : patronymic
        let ages: ClosedRange<Int> = switch function {
        case "DIR": 36...62
        case "ENS": 23...64
        case "ADF": 21...63
        default: 26...63
        }
        let by = year - rng.int(ages)
        let birth = CivilDate(year: by, month: 1, day: 1)!.adding(days: rng.below(365))
        return StaffState(sourceID: ids.staff(&rng), sex: sex, patronymic: patronymic, usage: usage, first: first,
                          birth: birth, function: function, grade: grade, pool: nil)
    }

    /// Direction, education, documentation, administration.
    static let nonTeaching: [(function: String, grade: String)] = [
        ("DIR", "PERS. DIRECTION"), ("DIR", "PERS. DIRECTION"), ("EDU", "CPE"), ("DOC", "CERTIFIE"),
        ("ADF", "ATTACHE AD."), ("ADF", "SAENES"),
    ]

    mutating func hireNonTeaching(year: Int, ids: inout IDs) {
        for role in Self.nonTeaching {
            staff.append(makeAdult(function: role.function, grade: role.grade, year: year, ids: &ids))
        }
        if target >= 700 { staff.append(makeAdult(function: "EDU", grade: "CPE", year: year, ids: &ids)) }
    }

    /// Between two years: a few teachers leave (at least one), other staff now and then replaced.
    mutating func evolveStaff(year: Int, ids: inout IDs) {
        var leaving = Set(staff.indices.filter { staff[$0].pool != nil && rng.chance(0.08) })
        let teachers = staff.indices.filter { staff[$0].pool != nil }
        if leaving.isEmpty, !teachers.isEmpty { leaving.insert(rng.pick(teachers)) }
        var next: [StaffState] = []
        for (i, s) in staff.enumerated() {
            if leaving.contains(i) { continue }
            if s.pool == nil, rng.chance(0.08) {
                next.append(makeAdult(function: s.function, grade: s.grade, year: year, ids: &ids))
            } else {
                next.append(s)
            }
        }
        staff = next
    }
}

extension Array {
    func randomElement(using rng: inout Xoshiro) -> Element? {
        isEmpty ? nil : self[rng.below(count)]
    }
}
