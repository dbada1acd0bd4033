import BasculeDomain
import BasculeStore
import Foundation
import Testing

/// A teacher and a student they teach (one of the teacher's STS-Web services is on the student's
/// class or one of their groups), by login, read from the store the commands wrote: a teacher
/// resets the passwords of their own students only.
func taughtPair(_ location: StoreLocation, uai: String) async throws -> (teacher: String, student: String) {
    let store = try await Store.open(location, creating: false)
    defer { Task { await store.close() } }
    let school = try #require(UAI(uai))
    let accounts = try await store.directoryState(uai: school).accounts
    let sts = try #require(try await store.latestImport(uai: school, source: .sts))
    let siecle = try #require(try await store.latestImport(uai: school, source: .siecleStudents))
    let services = try await store.services(importID: sts.id)
    let students = try await store.snapshotPeople(importID: siecle.id).filter { !$0.hasLeft && $0.division != nil }
    for teacher in accounts.filter({ $0.kind == .teacher && $0.status == .active }).sorted(by: { $0.login < $1.login }) {
        let reach = Set(services.filter { $0.teacherID == teacher.personID }.map(\.service.structureCode))
        if let s = students.first(where: { !reach.isDisjoint(with: $0.groups + [$0.division!]) }),
           let login = accounts.first(where: { $0.personID == s.personID })?.login {
            return (teacher.login, login)
        }
    }
    Issue.record("no teacher teaches any student")
    throw CancellationError()
}
