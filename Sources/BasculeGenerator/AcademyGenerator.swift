import BasculeDomain
import Dispatch
import Foundation

/// Realistic, deterministic exports of fictional collèges of the académie de Poitiers (UAIs 086…):
/// Siècle-BEE students and responsables, STS-Web, over several school years, each derived from
/// the previous one. The same options give byte-identical files.
public struct AcademyGenerator: Sendable {
    public let options: GeneratorOptions

    public init(options: GeneratorOptions) {
        self.options = options
    }

    /// The in-memory truth the files are written from.
    public func generate() -> GeneratedAcademy {
        Simulation(options: options).run()
    }

    /// Generates and writes every file: `<directory>/<UAI>/<year>/ExportXML_ElevesSansAdresses.zip`,
    /// `ResponsablesSansAdresses.xml` and `sts_emp_<UAI>_<year>.xml`. Returned by school (in
    /// generation order), then year, then students, responsables, STS-Web.
    public func write(to directory: URL) throws -> [GeneratedFile] {
        try write(Simulation(options: options).run(records: false), to: directory)
    }

    /// Writes an academy already generated (to compare files with the truth without generating twice).
    public func write(_ academy: GeneratedAcademy, to directory: URL) throws -> [GeneratedFile] {
        let jobs: [(school: Int, year: Int)] = academy.details.indices.flatMap { s in
            academy.details[s].indices.map { (s, $0) }
        }
        let results = Results(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            let job = jobs[k]
            let writer = ExportWriter(school: academy.schools[job.school], details: academy.details[job.school][job.year],
                                      places: academy.places)
            do {
                results.set(k, try writer.write(to: directory))
            } catch {
                results.fail(k, error)
            }
        }
        return try results.collect()
    }
}

/// Slots filled by the parallel writers, read once they are all done.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [[GeneratedFile]]
    private var errors: [(Int, any Error)] = []

    init(count: Int) { files = Array(repeating: [], count: count) }

    func set(_ k: Int, _ value: [GeneratedFile]) {
        lock.lock()
        files[k] = value
        lock.unlock()
    }

    func fail(_ k: Int, _ error: any Error) {
        lock.lock()
        errors.append((k, error))
        lock.unlock()
    }

    func collect() throws -> [GeneratedFile] {
        lock.lock()
        defer { lock.unlock() }
        if let first = errors.min(by: { $0.0 < $1.0 }) { throw first.1 }
        return files.flatMap { $0 }
    }
}
