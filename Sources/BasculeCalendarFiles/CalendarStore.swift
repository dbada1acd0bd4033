import BasculeDomain
import Foundation

/// Where a calendar came from.
public enum CalendarSource: Hashable, Sendable, CustomStringConvertible {
    /// `<data>/calendriers/<UAI>/<année>.yml`.
    case school(UAI, path: String)
    /// `<data>/calendriers/<année>.yml`.
    case data(path: String)
    /// Shipped with Bascule (`Resources/calendrier-<année>.yml`).
    case bundled(name: String)

    public var french: String {
        switch self {
        case let .school(uai, path): "fichier de l'établissement \(uai) (\(path))"
        case let .data(path): "fichier du département (\(path))"
        case let .bundled(name): "calendrier fourni avec Bascule (\(name))"
        }
    }

    public var description: String { french }
}

/// A calendar and the file it was read from; when `calendar.derivedFrom` is set, `source` is the
/// file of that other year.
public struct LoadedCalendar: Sendable {
    public let calendar: SchoolCalendar
    public let source: CalendarSource
}

/// Finds the calendar of a school year.
///
/// Order: `<data>/calendriers/<UAI>/<année>.yml` (when a school is given), then
/// `<data>/calendriers/<année>.yml`, then the bundled `calendrier-<année>.yml`. `<année>` is
/// written `2026-2027`. A year with none of these follows the calendar of the nearest year that
/// has one, looked up in the same order (the latest earlier year, else the earliest later one),
/// moved by ``SchoolCalendar/shifted(toYear:)`` and so marked as derived.
public struct CalendarStore: Sendable {
    public let dataDirectory: URL?
    public let bundledDirectory: URL

    public init(dataDirectory: String?, bundledDirectory: URL? = nil) {
        self.dataDirectory = dataDirectory.map { URL(fileURLWithPath: $0).appendingPathComponent("calendriers") }
        self.bundledDirectory = bundledDirectory ?? CalendarStore.defaultBundledDirectory
    }

    public static var defaultBundledDirectory: URL {
        // `.copy("Resources")` keeps the folder; where it lands differs between Linux (the bundle
        // folder itself) and macOS (Contents/Resources), and Foundation may already point into it.
        let b = Bundle.module
        let candidates = [b.resourceURL?.appendingPathComponent("Resources"), b.resourceURL,
                          b.bundleURL.appendingPathComponent("Resources")].compactMap { $0 }
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("calendrier-2026-2027.yml").path)
        } ?? candidates[0]
    }

    public func calendar(for year: SchoolYear, school: UAI? = nil) throws(CalendarFileError) -> LoadedCalendar {
        if let found = try exact(year, school: school) { return found }
        let years = availableYears(school: school)
        guard let base = years.filter({ $0 < year }).max() ?? years.filter({ $0 > year }).min(),
              let loaded = try exact(base, school: school) else {
            throw CalendarFileError(file: bundledDirectory.path, line: nil,
                                    problem: "aucun calendrier de bascule disponible")
        }
        return LoadedCalendar(calendar: loaded.calendar.shifted(toYear: year), source: loaded.source)
    }

    /// The calendar written for exactly `year`, if any.
    func exact(_ year: SchoolYear, school: UAI?) throws(CalendarFileError) -> LoadedCalendar? {
        let fm = FileManager.default
        let file = "\(year).yml"
        if let dataDirectory {
            if let school {
                let url = dataDirectory.appendingPathComponent(school.code).appendingPathComponent(file)
                if fm.fileExists(atPath: url.path) {
                    return LoadedCalendar(calendar: try checked(CalendarFile.load(url), year, url.path),
                                          source: .school(school, path: url.path))
                }
            }
            let url = dataDirectory.appendingPathComponent(file)
            if fm.fileExists(atPath: url.path) {
                return LoadedCalendar(calendar: try checked(CalendarFile.load(url), year, url.path),
                                      source: .data(path: url.path))
            }
        }
        let name = "calendrier-\(year).yml"
        let url = bundledDirectory.appendingPathComponent(name)
        if fm.fileExists(atPath: url.path) {
            return LoadedCalendar(calendar: try checked(CalendarFile.load(url, name: name), year, name),
                                  source: .bundled(name: name))
        }
        return nil
    }

    func checked(_ calendar: SchoolCalendar, _ year: SchoolYear, _ name: String) throws(CalendarFileError) -> SchoolCalendar {
        guard calendar.year == year else {
            throw CalendarFileError(file: name, line: nil,
                                    problem: "le fichier annonce l'année \(calendar.year) mais son nom est celui de \(year)")
        }
        return calendar
    }

    /// School years with a calendar file for `school` (its own, the department's, or bundled).
    public func availableYears(school: UAI? = nil) -> Set<SchoolYear> {
        func years(in dir: URL, prefix: String) -> [SchoolYear] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.compactMap { n in
                guard n.hasPrefix(prefix), n.hasSuffix(".yml") else { return nil }
                let stem = n.dropFirst(prefix.count).dropLast(4)
                guard let y = SchoolYear(parsing: String(stem)), "\(y)" == stem else { return nil }
                return y
            }
        }
        var all = Set(years(in: bundledDirectory, prefix: "calendrier-"))
        if let dataDirectory {
            all.formUnion(years(in: dataDirectory, prefix: ""))
            if let school { all.formUnion(years(in: dataDirectory.appendingPathComponent(school.code), prefix: "")) }
        }
        return all
    }
}
