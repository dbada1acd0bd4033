import BasculeSpaces
import Foundation
import Testing

@Suite("The system tools Bascule runs as root: found in the system's folders, given a minimal environment")
struct SystemToolTests {
    @Test("A tool gets the system folders as PATH and the C locale, nothing of Bascule's own environment")
    func minimalEnvironment() throws {
        let own = ProcessInfo.processInfo.environment
        try #require(own.keys.contains { !["PATH", "LC_ALL", "LANG"].contains($0) }, "the test process has variables of its own")
        let run = try SystemTool("env", package: "coreutils").check([])
        let seen = Dictionary(run.text.split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { a, _ in a })
        #expect(seen == ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C", "LANG": "C"], "\(seen.keys.sorted())")
    }

    @Test("A tool's path is absolute, in the system folders, whatever PATH says; a name with a slash is no tool")
    func absolutePaths() {
        for tool in [SystemTool.setfacl, .getfacl, .tar] {
            let path = tool.path
            #expect(path.map { p in SystemTool.systemFolders.contains { p == "\($0)/\(tool.name)" } } == true, "\(tool.name): \(path ?? "absent")")
        }
        #expect(SystemTool("../tmp/setfacl", package: "acl").path == nil)
        #expect(SystemTool("bascule-nulle-part", package: "rien").path == nil)
    }
}
