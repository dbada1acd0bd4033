import BasculeDomain

extension SchoolState {
    /// This school year's files: leavers picked, divisions and groups made, teachers assigned.
    mutating func buildYear(_ year: Int, ids: inout IDs) -> YearDetails {
        // Rentrée exports, made in the first days of September.
        let exportDate = CivilDate(year: year, month: 9, day: 1 + rng.below(3))!
        let summer = CivilDate(year: year, month: 8, day: 25)!
        let exportSeconds = 8 * 3600 + rng.below(9 * 3600)
        let stsDate = exportDate.adding(days: -rng.below(4))

        // Students who left at the turn of the year (moved away over the summer, never came back):
        // still in the file, with a DATE_SORTIE of this school year and in `Inactifs`.
        let leaverCount = max(1, Int((Double(active.count) * 0.01).rounded()))
        let candidates = active.indices.filter { !active[$0].pinned }
        let picked = Set(rng.sample(leaverCount, of: candidates.count).map { candidates[$0] })
        var leavers: [StudentState] = []
        var staying: [StudentState] = []
        for (i, s) in active.enumerated() {
            if picked.contains(i) {
                var l = s
                let day = summer.adding(days: rng.below(exportDate.dayNumber - summer.dayNumber))
                l.leaving = day < s.entry ? s.entry : day
                l.division = inactiveDivisionCode
                l.groups = []
                leavers.append(l)
            } else {
                staying.append(s)
            }
        }
        active = staying

        let (divisions, groups) = placeStudents()
        let (divisionServices, groupServices) = assignTeachers(divisions: divisions, groups: groups, year: year, ids: &ids)
        let divisionInfos = divisions.enumerated().map { k, d in
            DivisionInfo(code: d.code, label: d.label, level: d.level, size: d.size, services: divisionServices[k])
        }
        let groupInfos = groups.enumerated().map { k, g in
            GroupInfo(code: g.code, label: g.label, level: g.level, divisions: g.divisions, size: g.size,
                      services: groupServices[k])
        }

        let students = byID(active + leavers, \.sourceID)
        // Responsables of the students in the file; the others are gone with their children.
        var kept: [String: ParentState] = [:]
        kept.reserveCapacity(parents.count)
        for s in students {
            for p in s.parentIDs where kept[p] == nil { kept[p] = parents[p] }
        }
        parents = kept
        let parentList = byID(Array(kept.values), \.sourceID)
        let staffList = byID(staff, \.sourceID)

        let details = YearDetails(year: year, exportDate: exportDate, exportSeconds: exportSeconds, stsDate: stsDate,
                                  stsSeconds: 7 * 3600 + rng.below(10 * 3600), students: students, parents: parentList,
                                  mixedCaseParents: mixedCaseParents, staff: staffList, divisions: divisionInfos,
                                  groups: groupInfos, structuresFirst: structuresFirst, nameCorrections: corrections,
                                  usageNameChanges: usageChanges, ineAttributions: attributions)
        for i in active.indices { active[i].pinned = false }
        corrections = []
        usageChanges = []
        attributions = []
        return details
    }

    struct Placed {
        var code: String
        var label: String
        var level: Int
        var size: Int
        var divisions: [String] = []
        var subject: Subject?
    }

    /// Deals each level's students into divisions of 25 to 28, options spread evenly, then cuts
    /// each option's students (ordered by division) into groups drawing from neighbouring divisions.
    private mutating func placeStudents() -> (divisions: [Placed], groups: [Placed]) {
        var divisions: [Placed] = []
        var groups: [Placed] = []
        for level in 0..<Level.count {
            var members = active.indices.filter { active[$0].level == level }
            guard !members.isEmpty else { continue }
            rng.shuffle(&members)
            // Stable sort on the option profile, so that round-robin dealing spreads each option.
            members = members.enumerated().map { n, i in
                (active[i].lv2 == .german || active[i].bilingual ? 0 : active[i].latin ? 1 : 2, n, i)
            }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            let count = (members.count + 27) / 28
            let first = divisions.count
            for k in 0..<count {
                divisions.append(Placed(code: style.code(level: level, index: k), label: style.label(level: level, index: k),
                                        level: level, size: 0))
            }
            var divisionOf: [Int: Int] = [:]
            for (n, i) in members.enumerated() {
                let d = first + n % count
                active[i].division = divisions[d].code
                active[i].groups = []
                divisions[d].size += 1
                divisionOf[i] = d
            }

            let options: [(tag: String, word: String, subject: Subject, takes: (StudentState) -> Bool)] = level == 0
                ? [("ALL", "BILANGUE ALLEMAND", Subjects.german1, { $0.bilingual })]
                : [("ALL", "ALLEMAND LV2", Subjects.german2, { $0.lv2 == .german }),
                   ("ESP", "ESPAGNOL LV2", Subjects.spanish2, { $0.lv2 == .spanish }),
                   ("LAT", "LATIN", Subjects.latin, { $0.latin })]
            for option in options {
                let takers = members.filter { option.takes(active[$0]) }
                    .map { (divisionOf[$0]!, Int(active[$0].sourceID)!, $0) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
                guard !takers.isEmpty else { continue }
                let groupCount = (takers.count + 27) / 28
                var start = 0
                for g in 0..<groupCount {
                    let size = takers.count / groupCount + (g < takers.count % groupCount ? 1 : 0)
                    let slice = takers[start..<(start + size)]
                    start += size
                    // 6e groups are lettered (`6ALL-A`), the others numbered (`5ESP1`), as schools do.
                    let code = level == 0 ? "\(Level.digit[level])\(option.tag)-\(DivisionStyle.letters(g))"
                        : "\(Level.digit[level])\(option.tag)\(g + 1)"
                    var from: [Int] = []
                    for i in slice {
                        active[i].groups.append(code)
                        if from.last != divisionOf[i]! { from.append(divisionOf[i]!) }
                    }
                    groups.append(Placed(code: code, label: "\(Level.mefLabel[level]) \(option.word) GR\(g + 1)", level: level,
                                         size: slice.count, divisions: Array(Set(from)).sorted().map { divisions[$0].code },
                                         subject: option.subject))
                }
            }
        }
        return (divisions, groups)
    }

    /// Sizes each discipline's team to the hours to teach (about one teacher for 13 students in
    /// all), hires and lets go to match, then gives each service to the least loaded teacher and
    /// each division a main teacher (`PROF_PRINC`) among its own.
    private mutating func assignTeachers(divisions: [Placed], groups: [Placed], year: Int,
                                         ids: inout IDs) -> ([[ServiceInfo]], [[ServiceInfo]]) {
        struct Demand {
            var group: Bool
            var index: Int
            var subject: Subject
            var hours: Double
        }
        var demands: [Demand] = []
        for (k, d) in divisions.enumerated() {
            for s in Subjects.core { demands.append(Demand(group: false, index: k, subject: s, hours: Subjects.hours(s, level: d.level))) }
        }
        for (k, g) in groups.enumerated() {
            demands.append(Demand(group: true, index: k, subject: g.subject!, hours: Subjects.hours(g.subject!, level: g.level)))
        }
        var poolHours = [Double](repeating: 0, count: Pool.allCases.count)
        for d in demands { poolHours[d.subject.pool.rawValue] += d.hours }
        let total = poolHours.reduce(0, +)
        let teacherCount = Double(max(1, active.count)) / 13
        let needsLatin = demands.contains { $0.subject.code == Subjects.latin.code }

        // Teams sized to the hours: hire or let go.
        for pool in Pool.allCases {
            let hours = poolHours[pool.rawValue]
            let team = staff.indices.filter { staff[$0].pool == pool }
            let wanted = hours == 0 ? 0 : max(1, Int((hours / total * teacherCount).rounded()))
            if team.count > wanted {
                let gone = Set(rng.sample(team.count - wanted, of: team.count).map { team[$0] })
                staff = staff.enumerated().filter { !gone.contains($0.offset) }.map(\.element)
            } else if team.count < wanted {
                for _ in team.count..<wanted {
                    let classics = pool == .french && needsLatin && !staff.contains { $0.classics }
                    staff.append(hireTeacher(pool, year: year, ids: &ids, classics: classics))
                }
            }
        }

        var load = [String: Double]()
        var divisionServices = divisions.map { _ in [ServiceInfo]() }
        var groupServices = groups.map { _ in [ServiceInfo]() }
        let teamOf: [[Int]] = Pool.allCases.map { pool in
            staff.indices.filter { staff[$0].pool == pool }.map { (Int(staff[$0].sourceID)!, $0) }.sorted { $0 < $1 }.map(\.1)
        }
        let classicist = staff.first { $0.classics }?.sourceID
        // Latin first, to the classics teacher; then everything else to the least loaded.
        let ordered = demands.filter { $0.subject.code == Subjects.latin.code } + demands.filter { $0.subject.code != Subjects.latin.code }
        for d in ordered {
            let team = teamOf[d.subject.pool.rawValue]
            guard !team.isEmpty else { continue }
            var teacher = staff[team[0]].sourceID
            if d.subject.code == Subjects.latin.code, let c = classicist {
                teacher = c
            } else {
                var best = Double.infinity
                for i in team where (load[staff[i].sourceID] ?? 0) < best {
                    best = load[staff[i].sourceID] ?? 0
                    teacher = staff[i].sourceID
                }
            }
            load[teacher, default: 0] += d.hours
            let service = ServiceInfo(subject: d.subject, teacher: teacher)
            if d.group { groupServices[d.index].append(service) } else { divisionServices[d.index].append(service) }
        }

        // One main teacher per division, the fewest such duties first.
        for i in staff.indices { staff[i].mainTeacherOf = [] }
        var duties: [String: Int] = [:]
        let position = Dictionary(uniqueKeysWithValues: staff.enumerated().map { ($1.sourceID, $0) })
        for (k, d) in divisions.enumerated() {
            var candidates: [String] = []
            for s in divisionServices[k] where !candidates.contains(s.teacher) { candidates.append(s.teacher) }
            let fewest = candidates.map { duties[$0] ?? 0 }.min() ?? 0
            let pool = candidates.filter { (duties[$0] ?? 0) == fewest }
            guard let chosen = pool.randomElement(using: &rng) else { continue }
            duties[chosen, default: 0] += 1
            staff[position[chosen]!].mainTeacherOf.append(d.code)
        }
        return (divisionServices, groupServices)
    }
}

/// Sorted by numeric id, each id parsed once.
func byID<T>(_ items: [T], _ id: KeyPath<T, String>) -> [T] {
    let keys = items.map { Int($0[keyPath: id])! }
    return items.indices.sorted { keys[$0] < keys[$1] }.map { items[$0] }
}
