import BasculeDomain

/// Runs the whole academy year by year: the first year's population, then each rentrée derived
/// from the previous year (3e leave, everyone else moves up, families move between schools,
/// new 6e arrive, teachers come and go).
struct Simulation {
    let options: GeneratorOptions

    static let uaiLetters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")

    /// `0860123X`: department 086, four digits, the check letter of the seven-digit number mod 23.
    static func uai(department: Int, number: Int) -> String {
        let seven = department * 10_000 + number
        let digits = String(seven)
        return String(repeating: "0", count: 7 - digits.count) + digits + String(uaiLetters[seven % 23])
    }

    /// `records`: also build the public records (not needed to write the files).
    func run(records: Bool = true) -> GeneratedAcademy {
        let schoolCount = max(1, min(options.schools, 10_000))
        let years = max(1, options.years)
        let target = max(8, options.studentsPerSchool)
        let usageNameChanges = max(0, options.usageNameChanges)
        var rng = Xoshiro.stream(seed: options.seed, salt: 0xACAD)
        var places: [Place] = []

        // Collèges elsewhere, where some newcomers come from.
        let elsewhere: [(department: Int, commune: String)] = [(37, "TOURS"), (87, "LIMOGES"), (33, "BORDEAUX"),
                                                                (75, "PARIS"), (44, "NANTES"), (49, "ANGERS")]
        var outsidePlaces: [Int] = []
        for (k, e) in elsewhere.enumerated() {
            places.append(Place(uai: Self.uai(department: e.department, number: 100 + rng.below(900) * 10 + k), sigle: "CLG",
                                denomination: "COLLEGE", complement: rng.pick(Corpus.patrons).uppercased(),
                                commune: e.commune, department: "0" + String(e.department)))
            outsidePlaces.append(places.count - 1)
        }

        // The academy's collèges, their UAIs a permutation of 0..<10000 so none repeats.
        let offset = rng.below(10_000)
        var patrons = Corpus.patrons
        rng.shuffle(&patrons)
        var schools: [SchoolState] = []
        for s in 0..<schoolCount {
            let code = Self.uai(department: 86, number: (offset + s * 2_719) % 10_000)
            var srng = Xoshiro.stream(seed: options.seed, salt: UInt64(s + 1))
            let city = srng.pick(Corpus.cities)
            let patron = patrons[s % patrons.count]
            places.append(Place(uai: code, sigle: "CLG", denomination: "COLLEGE", complement: patron.uppercased(),
                                commune: city.uppercased(), department: "086"))
            let place = places.count - 1
            var feeders: [Int] = []
            for _ in 0..<3 {
                places.append(Place(uai: Self.uai(department: 86, number: srng.below(10_000)), sigle: "EEPU",
                                    denomination: "ECOLE ELEMENTAIRE PUBLIQUE",
                                    complement: srng.pick(Corpus.primaryNames).uppercased(), commune: city.uppercased(),
                                    department: "086"))
                feeders.append(places.count - 1)
            }
            let styleDraw = srng.unit()
            let style: DivisionStyle = styleDraw < 0.55 ? .letter : styleDraw < 0.9 ? .number : .spaced
            let size = Int(Double(target) * (0.9 + 0.2 * srng.unit()))
            schools.append(SchoolState(index: s, uai: UAI(code)!, patron: patron, city: city, place: place, feeders: feeders,
                                       outsidePlaces: outsidePlaces, style: style, structuresFirst: srng.chance(0.2),
                                       mixedCaseParents: srng.chance(0.25), target: max(8, size), rng: srng,
                                       elenoet: 1000 + srng.below(4000),
                                       ids: IDs(seed: options.seed, school: s, schools: schoolCount)))
        }

        // Each school lives its year on its own (in parallel); only families moving between
        // schools are handed over, in a fixed order, between two years.
        var transfers: [SchoolTransfer] = []
        for y in 0..<years {
            let year = options.firstYear + y
            if y > 0 {
                updateInParallel(&schools) { _, school in
                    school.outgoing = school.withIDs { s, ids in s.advance(schools: schoolCount, ids: &ids) }
                }
                for s in schools.indices {
                    for m in schools[s].outgoing {
                        let from = schools[m.from].uai
                        transfers += schools[m.to].withIDs { school, ids in school.receive(m, from: from, year: year, ids: &ids) }
                    }
                    schools[s].outgoing = []
                }
            }
            updateInParallel(&schools) { _, school in
                school.withIDs { s, ids in
                    if y == 0 {
                        s.populate(year: year, ids: &ids)
                        s.hireNonTeaching(year: year, ids: &ids)
                    } else {
                        s.correctOneName()
                        if usageNameChanges > 0 { s.giveUsageNames(usageNameChanges) }
                        s.admit(year: year, ids: &ids)
                        s.evolveStaff(year: year, ids: &ids)
                    }
                    s.history.append(s.buildYear(year, ids: &ids))
                }
            }
        }
        let details = schools.map(\.history)

        let generated = schools.indices.map { s in
            GeneratedSchool(uai: schools[s].uai, name: schools[s].name, city: schools[s].city,
                            years: records ? details[s].map(Self.publicYear) : [])
        }
        return GeneratedAcademy(options: options, schools: generated, transfers: transfers, details: details, places: places)
    }

    static func publicYear(_ d: YearDetails) -> GeneratedYear {
        var links: [String: [GuardianLink]] = [:]
        for s in d.students {
            for (level, p) in s.parentIDs.enumerated() {
                links[p, default: []].append(GuardianLink(studentSourceID: s.sourceID, relationCode: nil, legalLevel: String(level + 1)))
            }
        }
        let parents = d.parents.map { p in
            ParentRecord(sourceID: p.sourceID, civility: p.civility, name: p.writtenName(mixedCase: d.mixedCaseParents),
                         email: p.email,
                         links: (links[p.sourceID] ?? []).map {
                             GuardianLink(studentSourceID: $0.studentSourceID, relationCode: p.relation, legalLevel: $0.legalLevel)
                         },
                         location: generatedLocation)
        }
        var structures: [StructureRecord] = d.divisions.map {
            StructureRecord(code: $0.code, kind: .division, label: $0.label, divisions: [], mefs: [Level.mef[$0.level]],
                            location: generatedLocation)
        }
        structures += d.groups.map {
            StructureRecord(code: $0.code, kind: .group, label: $0.label, divisions: $0.divisions, mefs: [],
                            location: generatedLocation)
        }
        var services: [TeachingService] = []
        for div in d.divisions {
            for s in div.services {
                services.append(TeachingService(structureCode: div.code, structureKind: .division, subjectCode: s.subject.code,
                                                courseMode: "CG", teacherSourceID: s.teacher))
            }
        }
        for g in d.groups {
            for s in g.services {
                services.append(TeachingService(structureCode: g.code, structureKind: .group, subjectCode: s.subject.code,
                                                courseMode: "CG", teacherSourceID: s.teacher))
            }
        }
        return GeneratedYear(
            year: SchoolYear(startYear: d.year), exportDate: d.exportDate, students: d.students.map(\.record),
            parents: parents, staff: d.staff.map(\.record),
            subjects: Subjects.all.map { SubjectRecord(code: $0.code, managementCode: $0.management, shortLabel: $0.short, longLabel: $0.long) },
            structures: structures, services: services.sorted(), nameCorrections: d.nameCorrections,
            usageNameChanges: d.usageNameChanges, ineAttributions: d.ineAttributions)
    }
}
