import BasculeDomain
import BasculeGenerator
import Testing

@Suite("Generated academy")
struct GeneratorModelTests {

    @Test("UAIs: 086, four digits, the check letter; unique")
    func uais() {
        let academy = Fixture.academy
        let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")
        let codes = academy.schools.map(\.uai.code)
        #expect(Set(codes).count == codes.count)
        for code in codes {
            #expect(code.count == 8)
            #expect(code.hasPrefix("086"))
            let number = Int(code.prefix(7))!
            #expect(code.last == letters[number % 23])
        }
        let many = AcademyGenerator(options: GeneratorOptions(schools: 60, studentsPerSchool: 20, seed: 9, years: 1)).generate()
        #expect(Set(many.schools.map(\.uai)).count == 60)
    }

    @Test("Ids: unique, numeric, INE of 10 digits and a letter, stable across years", arguments: Fixture.seeds)
    func ids(seed: UInt64) {
        let academy = Fixture.academies[seed]!
        for y in 0..<2 {
            let all = academy.schools.flatMap { $0.years[y].students }
            #expect(Set(all.map(\.sourceID)).count == all.count)
            let ines = all.compactMap(\.ine)
            #expect(Set(ines).count == ines.count, "an INE is in two files of one year")
            for ine in ines {
                #expect(ine.count == 11)
                #expect(ine.prefix(10).allSatisfy(\.isNumber) && ine.last!.isLetter)
            }
            #expect(all.allSatisfy { Int($0.sourceID) != nil && Int($0.elenoet ?? "") != nil })
            let parents = academy.schools.flatMap { $0.years[y].parents.map(\.sourceID) }
            #expect(Set(parents).count == parents.count)
            #expect(parents.allSatisfy { Int($0) != nil })
            let staff = academy.schools.flatMap { $0.years[y].staff.map(\.sourceID) }
            #expect(Set(staff).count == staff.count)
            #expect(staff.allSatisfy { Int($0) != nil })
        }
        // Who stays in a school keeps their ELEVE_ID and PERSONNE_IDs.
        for school in academy.schools {
            let before = Dictionary(uniqueKeysWithValues: school.years[0].students.compactMap { s in s.ine.map { ($0, s) } })
            var kept = 0
            for s in school.years[1].students {
                guard let ine = s.ine, let old = before[ine] else { continue }
                #expect(old.sourceID == s.sourceID)
                #expect(old.birthDate == s.birthDate)
                kept += 1
            }
            #expect(kept > 50)
            let staffBefore = Set(school.years[0].staff.map(\.sourceID))
            let staffAfter = Set(school.years[1].staff.map(\.sourceID))
            #expect(!staffBefore.subtracting(staffAfter).isEmpty, "no teacher left")
            #expect(!staffAfter.subtracting(staffBefore).isEmpty, "nobody arrived")
            #expect(staffBefore.intersection(staffAfter).count > staffBefore.count / 2)
        }
    }

    @Test("Homonyms, twins, siblings sharing responsables, newcomers without INE", arguments: Fixture.seeds)
    func families(seed: UInt64) {
        let academy = Fixture.academies[seed]!
        for school in academy.schools {
            let year = school.years[0]
            let students = year.activeStudents
            let fullNames = Dictionary(grouping: students) { "\($0.name.firstName) \($0.name.familyName)" }
            #expect(fullNames.values.contains { $0.count >= 2 }, "no full homonyms in \(school.uai)")
            let initials = Dictionary(grouping: students) { "\($0.name.firstName.prefix(1)) \($0.name.familyName)" }
            let pairs = initials.values.filter { g in g.count >= 2 && Set(g.map(\.name.firstName)).count >= 2 }
            #expect(!pairs.isEmpty, "no students sharing initial and family name in \(school.uai)")

            var parentsOf: [String: Set<String>] = [:]
            for p in year.parents {
                for l in p.links { parentsOf[l.studentSourceID, default: []].insert(p.sourceID) }
            }
            #expect(year.students.allSatisfy { (1...2).contains(parentsOf[$0.sourceID]?.count ?? 0) })
            let twins = Dictionary(grouping: year.students) { "\(parentsOf[$0.sourceID]!.sorted())|\($0.birthDate)|\($0.name.familyName)" }
                .values.filter { $0.count == 2 }
            #expect(!twins.isEmpty, "no twins in \(school.uai)")
            for pair in twins { #expect(pair[0].name.firstName != pair[1].name.firstName) }
            #expect(year.parents.contains { $0.links.count >= 2 }, "no responsable of siblings in \(school.uai)")
            #expect(year.parents.contains { $0.email != nil })
            #expect(year.students.contains { $0.ine == nil }, "no newcomer without INE in \(school.uai)")
        }
    }

    @Test("Divisions of 6e to 3e, groups drawing from divisions, a full teaching team", arguments: Fixture.seeds)
    func structures(seed: UInt64) {
        let academy = Fixture.academies[seed]!
        for school in academy.schools {
            for year in school.years {
                let divisions = year.structures.filter { $0.kind == .division }
                let groups = year.structures.filter { $0.kind == .group }
                let active = year.activeStudents
                #expect(Set(divisions.map { $0.mefs.first! }).count == 4)
                for d in divisions {
                    let members = active.filter { $0.division == d.code }
                    #expect(!members.isEmpty && members.count <= 28, "\(d.code): \(members.count)")
                    #expect(members.allSatisfy { $0.mef == d.mefs.first })
                    let subjects = Set(year.services.filter { $0.structureCode == d.code }.map(\.subjectCode))
                    #expect(subjects.isSuperset(of: ["020100", "061300", "040600", "030201", "062900", "062400",
                                                     "070200", "100100", "090100", "080100"]))
                    #expect(year.staff.filter { $0.mainTeacherOf.contains(d.code) }.count == 1, "PROF_PRINC of \(d.code)")
                }
                #expect(!groups.isEmpty)
                for g in groups {
                    let members = active.filter { $0.groups.contains(g.code) }
                    #expect(!members.isEmpty)
                    #expect(Set(members.compactMap(\.division)) == Set(g.divisions), "\(g.code)")
                    #expect(year.services.contains { $0.structureCode == g.code && $0.structureKind == .group })
                }
                #expect(groups.contains { $0.code.hasPrefix("5ESP") || $0.code.hasPrefix("4ESP") })
                // Students are in existing structures only; leavers in Inactifs alone.
                let codes = Set(year.structures.map(\.code))
                for s in active {
                    #expect(codes.contains(s.division ?? ""))
                    #expect(s.groups.allSatisfy(codes.contains))
                    #expect(level(ofMEF: s.mef) != nil)
                }
                let functions = year.staff.map { $0.function ?? "" }
                #expect(functions.filter { $0 == "DIR" }.count == 2)
                #expect(functions.contains("EDU") && functions.contains("DOC"))
                #expect(functions.filter { $0 == "ADF" }.count == 2)
                let teachers = year.teachers
                #expect(teachers.allSatisfy { $0.function == "ENS" })
                #expect(Double(teachers.count) >= Double(active.count) / 20)
                #expect(year.services.allSatisfy { s in teachers.contains { $0.sourceID == s.teacherSourceID } })
            }
        }
    }

    @Test("A school of 600: about 13 students per teacher, divisions of 25 to 28")
    func fullSizeSchool() {
        let big = AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: 600, seed: 5, years: 1)).generate()
        let year = big.schools[0].years[0]
        let ratio = Double(year.activeStudents.count) / Double(year.teachers.count)
        #expect((10...16).contains(ratio), "\(ratio) students per teacher")
        let divisions = year.structures.filter { $0.kind == .division }
        #expect(divisions.count >= 20)
        for d in divisions {
            let size = year.activeStudents.filter { $0.division == d.code }.count
            #expect((22...28).contains(size), "\(d.code): \(size)")
        }
        #expect(year.structures.contains { $0.kind == .group && $0.code.hasPrefix("6ALL-") })
    }

    @Test("Leavers stay in their year's file with DATE_SORTIE and Inactifs", arguments: Fixture.seeds)
    func leavers(seed: UInt64) {
        let academy = Fixture.academies[seed]!
        for school in academy.schools {
            for (y, year) in school.years.enumerated() {
                let leavers = year.leavers
                #expect(!leavers.isEmpty)
                for l in leavers {
                    #expect(l.division == inactiveDivisionCode && l.groups.isEmpty)
                    #expect(SchoolYear(containing: l.leavingDate!) == year.year)
                    #expect(l.leavingDate! <= year.exportDate)
                    #expect(l.hasLeft(asOf: year.exportDate))
                }
                #expect(year.activeStudents.allSatisfy { !$0.hasLeft(asOf: year.exportDate) })
                if y + 1 < school.years.count {
                    let next = Set(school.years[y + 1].students.map(\.sourceID))
                    #expect(leavers.allSatisfy { !next.contains($0.sourceID) })
                }
            }
        }
    }

    @Test("Next year: 3e gone, everyone else one level up, a new 6e", arguments: Fixture.seeds)
    func secondYear(seed: UInt64) {
        let academy = Fixture.academies[seed]!
        for school in academy.schools {
            let (first, second) = (school.years[0], school.years[1])
            let before = Dictionary(uniqueKeysWithValues: first.students.map { ($0.sourceID, $0) })
            let after = Dictionary(uniqueKeysWithValues: second.students.map { ($0.sourceID, $0) })
            for s in first.students where level(ofMEF: s.mef) == 3 {
                #expect(after[s.sourceID] == nil, "\(s.name.full) was in 3e")
            }
            var stayed = 0
            for s in first.activeStudents {
                guard let now = after[s.sourceID] else { continue }
                #expect(level(ofMEF: now.mef) == level(ofMEF: s.mef)! + 1)
                if now.leavingDate == nil {
                    #expect(now.division.map { $0.hasPrefix(["5", "4", "3"][level(ofMEF: s.mef)!]) } == true)
                }
                stayed += 1
            }
            #expect(stayed > first.activeStudents.count / 2)
            let newSixth = second.students.filter { before[$0.sourceID] == nil && level(ofMEF: $0.mef) == 0 }
            #expect(newSixth.count >= 20)
            #expect(newSixth.contains { $0.ine == nil })
            #expect(newSixth.allSatisfy { $0.entryDate == CivilDate(year: 2026, month: 9, day: 1) })
            // Responsables of students gone are gone; the new ones' appear.
            let ids = Set(second.students.map(\.sourceID))
            #expect(second.parents.allSatisfy { p in p.links.allSatisfy { ids.contains($0.studentSourceID) } })
            let oldParents = Set(first.parents.map(\.sourceID))
            #expect(second.parents.contains { !oldParents.contains($0.sourceID) })
            #expect(first.parents.contains { !Set(second.parents.map(\.sourceID)).contains($0.sourceID) })
        }
    }

    @Test("A student changing school keeps the INE under a new ELEVE_ID", arguments: Fixture.seeds)
    func transfers(seed: UInt64) throws {
        let academy = Fixture.academies[seed]!
        #expect(!academy.transfers.isEmpty)
        for t in academy.transfers {
            #expect(t.year == SchoolYear(startYear: 2026))
            #expect(t.from != t.to)
            let from = try #require(academy.school(t.from))
            let to = try #require(academy.school(t.to))
            let old = try #require(from.years[0].students.first { $0.sourceID == t.fromSourceID })
            let new = try #require(to.years[1].students.first { $0.sourceID == t.toSourceID })
            #expect(old.ine == t.ine && new.ine == t.ine)
            #expect(old.sourceID != new.sourceID)
            #expect(old.name == new.name && old.birthDate == new.birthDate)
            #expect(level(ofMEF: new.mef) == level(ofMEF: old.mef)! + 1)
            #expect(!from.years[1].students.contains { $0.ine == t.ine })
            #expect(new.leavingDate == nil)
        }
    }

    @Test("A spelling fixed between years keeps the ids", arguments: Fixture.seeds)
    func nameCorrections(seed: UInt64) {
        let academy = Fixture.academies[seed]!
        for school in academy.schools {
            #expect(school.years[0].nameCorrections.isEmpty)
            let fixes = school.years[1].nameCorrections
            #expect(fixes.count == 1)
            for fix in fixes {
                let old = school.years[0].students.first { $0.sourceID == fix.sourceID }
                let new = school.years[1].students.first { $0.sourceID == fix.sourceID }
                #expect(old?.name == fix.before)
                #expect(new?.name == fix.after)
                #expect(fix.before.firstName != fix.after.firstName)
                #expect(NameFolding.key(fix.before.firstName) == NameFolding.key(fix.after.firstName))
                #expect(old?.ine == new?.ine)
            }
        }
    }

    @Test("Usage names taken between years, on request only: same ids, a new usage name, another login")
    func usageNames() {
        let options = GeneratorOptions(schools: 2, studentsPerSchool: 120, seed: 6, years: 3)
        var asked = options
        asked.usageNameChanges = 2
        let plain = AcademyGenerator(options: options).generate()
        let renamed = AcademyGenerator(options: asked).generate()
        #expect(plain.schools.allSatisfy { $0.years.allSatisfy { $0.usageNameChanges.isEmpty } }, "none unless asked")
        for (school, before) in zip(renamed.schools, plain.schools) {
            #expect(school.years[0].students == before.years[0].students, "the first year is the same as without the option")
            #expect(school.years[0].usageNameChanges.isEmpty)
            for year in 1..<3 {
                let changes = school.years[year].usageNameChanges
                #expect(changes.count == 2)
                for c in changes {
                    let old = school.years[year - 1].students.first { $0.sourceID == c.sourceID }
                    let new = school.years[year].students.first { $0.sourceID == c.sourceID }
                    #expect(old?.name == c.before && new?.name == c.after)
                    #expect(c.before.usageName == nil && c.after.familyName == c.before.familyName)
                    #expect(c.after.usageName?.hasPrefix(c.before.familyName + " ") == true, "\(c.after)")
                    #expect(new?.leavingDate == nil && old?.ine == new?.ine)
                    #expect(LoginTemplate.network.base(for: c.before) != LoginTemplate.network.base(for: c.after))
                }
            }
        }
    }

    @Test("Small and single-school academies over several years")
    func edgeCases() {
        let one = AcademyGenerator(options: GeneratorOptions(schools: 1, studentsPerSchool: 20, seed: 3, years: 4)).generate()
        #expect(one.schools[0].years.count == 4)
        #expect(one.transfers.isEmpty)
        #expect(one.schools[0].years.allSatisfy { !$0.activeStudents.isEmpty })
        #expect(one.schools[0].years.map(\.year.startYear) == [2025, 2026, 2027, 2028])
    }

    @Test("Every name of the corpus is writable in ISO-8859-15")
    func corpusEncodable() {
        let academy = AcademyGenerator(options: GeneratorOptions(schools: 3, studentsPerSchool: 400, seed: 11, years: 2)).generate()
        for school in academy.schools {
            for year in school.years {
                let names = year.students.map(\.name) + year.parents.map(\.name) + year.staff.map(\.name)
                for n in names {
                    #expect(!n.hasPlaceholder)
                    for part in [n.familyName, n.usageName ?? "", n.firstName] + n.otherFirstNames {
                        #expect(Latin9.canEncode(part), "\(part)")
                    }
                }
            }
        }
    }
}

@Suite("Generated academy: INE given later")
struct INEAttributionTests {
    @Test("A newcomer without INE gets one the next year under the same ELEVE_ID")
    func attributions() {
        var total = 0
        for seed in Fixture.seeds {
            let academy = Fixture.academies[seed]!
            for school in academy.schools {
                #expect(school.years[0].ineAttributions.isEmpty)
                for a in school.years[1].ineAttributions {
                    let before = school.years[0].students.first { $0.sourceID == a.sourceID }
                    let after = school.years[1].students.first { $0.sourceID == a.sourceID }
                    #expect(before != nil && before?.ine == nil)
                    #expect(after?.ine == a.ine)
                    #expect(before?.birthDate == after?.birthDate)
                    total += 1
                }
                // Everyone else keeps the INE they had (or still has none).
                let given = Set(school.years[1].ineAttributions.map(\.sourceID))
                let old = Dictionary(uniqueKeysWithValues: school.years[0].students.map { ($0.sourceID, $0.ine) })
                for s in school.years[1].students where !given.contains(s.sourceID) {
                    if let previous = old[s.sourceID] { #expect(previous == s.ine) }
                }
            }
        }
        #expect(total > 0)
    }
}
