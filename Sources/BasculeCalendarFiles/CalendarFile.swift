import BasculeDomain
import Foundation
import Yams

/// A calendar file that could not be used, said in French with the file and, when known, the line.
public struct CalendarFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let problem: String

    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var french: String {
        let place = line.map { "\(file), ligne \($0)" } ?? file
        return "Calendrier illisible (\(place)) : \(problem)"
    }

    public var description: String { french }
}

/// The YAML form of a calendar: French keys, French codes for kinds, actors and roles. The
/// header comment of `Resources/calendrier-2026-2027.yml` documents it for the people who edit it.
struct CalendarFileBody: Decodable {
    let annee: String
    let entrees: [Entry]

    struct Entry: Decodable {
        let id: String
        let type: String
        let cible: String
        let du: String?
        let au: String?
        let acteur: String
        let concerne: [String]?
        let levable_par: [String]?
        let validation_etablissement: Bool?
        let libelle: String
        let libelle_en: String?
    }
}

/// French codes of the YAML file ↔ the domain's values.
enum CalendarFileCodes {
    static let kinds: [String: CalendarEntryKind] = [
        "imports-suspendus": .importsPaused, "imports-repris": .importsResumed,
        "acces-ferme": .accessClosed, "acces-jusqu-au": .accessUntil, "nettoyage": .cleanup,
        "suppression": .deletion, "fin-licences": .licenceEnd, "lecture-seule": .platformReadOnly,
        "arret": .platformStopped, "verification": .verification,
    ]
    static let actors: [String: CalendarActor] = [
        "departement": .department, "rectorat": .academy, "etablissement": .school,
        "principal": .principal, "principal-adjoint": .deputy,
    ]
    static let roles: [String: CalendarRole] = [
        "eleves": .students, "responsables": .parents, "personnels": .staff,
    ]
}

/// Reads one calendar file into a ``SchoolCalendar``.
public enum CalendarFile {
    /// Parses `text`; `name` is how errors name the file.
    public static func parse(_ text: String, name: String) throws(CalendarFileError) -> SchoolCalendar {
        let body: CalendarFileBody
        do {
            body = try YAMLDecoder().decode(CalendarFileBody.self, from: text)
        } catch let e as YamlError {
            throw yamlError(e, name: name)
        } catch let e as DecodingError {
            throw decodingError(e, text: text, name: name)
        } catch {
            throw CalendarFileError(file: name, line: nil, problem: "\(error)")
        }

        func fail(_ index: Int, _ key: String?, _ problem: String) -> CalendarFileError {
            CalendarFileError(file: name, line: line(of: ["entrees", index] + (key.map { [$0] } ?? []), in: text),
                              problem: problem)
        }
        guard let year = SchoolYear(parsing: body.annee) else {
            throw CalendarFileError(file: name, line: line(of: ["annee"], in: text),
                                    problem: "année scolaire « \(body.annee) » invalide (attendu par exemple 2026-2027)")
        }
        var entries: [CalendarEntry] = []
        for (i, e) in body.entrees.enumerated() {
            guard let kind = CalendarFileCodes.kinds[e.type] else {
                throw fail(i, "type", "type « \(e.type) » inconnu pour l'entrée « \(e.id) » (attendu : \(CalendarFileCodes.kinds.keys.sorted().joined(separator: ", ")))")
            }
            guard let actor = CalendarFileCodes.actors[e.acteur] else {
                throw fail(i, "acteur", "acteur « \(e.acteur) » inconnu pour l'entrée « \(e.id) » (attendu : \(CalendarFileCodes.actors.keys.sorted().joined(separator: ", ")))")
            }
            var roles = Set<CalendarRole>()
            for r in e.concerne ?? [] {
                guard let role = CalendarFileCodes.roles[r] else {
                    throw fail(i, "concerne", "« \(r) » inconnu dans « concerne » de l'entrée « \(e.id) » (attendu : eleves, responsables, personnels)")
                }
                roles.insert(role)
            }
            var liftable = Set<CalendarActor>()
            for a in e.levable_par ?? [] {
                guard let actor = CalendarFileCodes.actors[a] else {
                    throw fail(i, "levable_par", "acteur « \(a) » inconnu dans « levable_par » de l'entrée « \(e.id) »")
                }
                liftable.insert(actor)
            }
            func day(_ text: String?, _ key: String) throws(CalendarFileError) -> CivilDate? {
                guard let text else { return nil }
                guard let d = CivilDate(parsing: text) else {
                    throw fail(i, key, "date « \(text) » invalide dans l'entrée « \(e.id) » (attendu AAAA-MM-JJ)")
                }
                return d
            }
            entries.append(CalendarEntry(
                id: e.id, kind: kind, target: CalendarTarget(e.cible),
                window: DayWindow(from: try day(e.du, "du"), until: try day(e.au, "au")),
                actor: actor, roles: roles, liftableBy: liftable,
                requiresSchoolApproval: e.validation_etablissement ?? false,
                labelFrench: e.libelle, labelEnglish: e.libelle_en ?? e.libelle))
        }
        do {
            return try SchoolCalendar(year: year, entries: entries)
        } catch {
            let index = error.entryID.flatMap { id in body.entrees.firstIndex { $0.id == id } }
            throw CalendarFileError(file: name, line: index.flatMap { line(of: ["entrees", $0], in: text) },
                                    problem: error.french)
        }
    }

    /// Reads and parses the file at `url`.
    public static func load(_ url: URL, name: String? = nil) throws(CalendarFileError) -> SchoolCalendar {
        let shown = name ?? url.path
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CalendarFileError(file: shown, line: nil, problem: "fichier illisible (absent, inaccessible ou pas en UTF-8)")
        }
        return try parse(text, name: shown)
    }

    // MARK: Errors

    static func yamlError(_ e: YamlError, name: String) -> CalendarFileError {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return CalendarFileError(file: name, line: mark.line,
                                     problem: "YAML mal formé (\(problem)), colonne \(mark.column)")
        case let .reader(problem, _, _, _):
            return CalendarFileError(file: name, line: nil, problem: "YAML illisible (\(problem))")
        default:
            return CalendarFileError(file: name, line: nil, problem: "YAML illisible (\(e))")
        }
    }

    static func decodingError(_ e: DecodingError, text: String, name: String) -> CalendarFileError {
        func keys(_ path: [any CodingKey]) -> [Any] { path.map { $0.intValue.map { $0 as Any } ?? $0.stringValue } }
        func where_(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "à la racine" : "dans « \(path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: " ")) »"
        }
        if case let .dataCorrupted(ctx) = e, let underlying = ctx.underlyingError as? YamlError {
            return yamlError(underlying, name: name)
        }
        switch e {
        case let .keyNotFound(key, ctx):
            return CalendarFileError(file: name, line: line(of: keys(ctx.codingPath), in: text),
                                     problem: "clé « \(key.stringValue) » manquante \(where_(ctx.codingPath))")
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx):
            return CalendarFileError(file: name, line: line(of: keys(ctx.codingPath), in: text),
                                     problem: "valeur inattendue \(where_(ctx.codingPath))")
        case let .dataCorrupted(ctx):
            return CalendarFileError(file: name, line: line(of: keys(ctx.codingPath), in: text),
                                     problem: "contenu invalide \(where_(ctx.codingPath)) : \(ctx.debugDescription)")
        @unknown default:
            return CalendarFileError(file: name, line: nil, problem: "\(e)")
        }
    }

    /// The line of the node at `path` (keys and sequence indices), or of its deepest existing parent.
    static func line(of path: [Any], in text: String) -> Int? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        for step in path {
            let child: Node?
            if let i = step as? Int, let seq = node.sequence, i < seq.count {
                child = seq[i]
            } else if let k = step as? String {
                child = node[k]
            } else {
                child = nil
            }
            guard let child else { break }
            node = child
        }
        return node.mark?.line
    }
}
