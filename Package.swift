// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Bascule",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bascule", targets: ["bascule"]),
        .library(name: "BasculeDomain", targets: ["BasculeDomain"]),
        .library(name: "BasculeImport", targets: ["BasculeImport"]),
        .library(name: "BasculeStore", targets: ["BasculeStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // Already in the graph through postgres-nio; the SMTP client speaks through them.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // The service (`bascule serve`): HTTP, TLS, metrics, and the tests' HTTP client.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // The web console's pages: logic-less templates, HTML-escaped by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure model and rules: no I/O, no dependencies.
        .target(name: "BasculeDomain"),
        // libxml2's SAX2 push parser, as the system installs it (libxml2-dev).
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        // Streaming readers of the SIECLE and STS-Web exports.
        .target(name: "BasculeImport", dependencies: [
            "BasculeDomain", "CLibXML2",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: [
            // The parser's callbacks touch the reader's state millions of times a file: the runtime's
            // exclusivity checks on those accesses were 13 % of a parse (callgrind). Debug builds,
            // which the tests run, keep them.
            .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
        ]),
        // One SQL code path for SQLite (embedded) and PostgreSQL.
        .target(name: "BasculeStore", dependencies: [
            "BasculeDomain",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "PostgresKit", package: "postgres-kit"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // OpenLDAP's client library and crypt(3), as the system installs them (libldap-dev, libcrypt-dev).
        .systemLibrary(name: "CLDAP", path: "Sources/CLDAP"),
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt"),
        // The real directory: an LDAP client, Bascule's tree and schema, and the convergence of a
        // school's branch to the embedded directory.
        .target(name: "BasculeLDAP", dependencies: [
            "BasculeDomain", "CLDAP",
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Resources")]),
        // File spaces: the tree each school must have (pure), and the folders, POSIX ACLs, quotas,
        // measures and archives that make it so (setfacl, getfacl, tar, the quota tools).
        .target(name: "BasculeSpaces", dependencies: [
            "BasculeDomain", "BasculeLDAP",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // E-mail: addresses checked, plain-text messages, a small SMTP client (STARTTLS, never
        // downgraded) for the department's relay.
        .target(name: "BasculeMail", dependencies: [
            "BasculeDomain",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Realistic, deterministic exports of fictional collèges.
        .target(name: "BasculeGenerator", dependencies: [
            "BasculeDomain",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // Use cases shared by the CLI and, later, the server: import files, list people, the daily
        // scheduler and its e-mail digests.
        .target(name: "BasculeApp", dependencies: [
            "BasculeDomain", "BasculeImport", "BasculeStore", "BasculeLDAP", "BasculeSpaces", "CCrypt",
            "BasculeCalendarFiles", "BasculeMail",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
        // Rollover calendars as YAML files: the bundled default and per-school overrides.
        .target(name: "BasculeCalendarFiles", dependencies: [
            "BasculeDomain",
            .product(name: "Yams", package: "Yams"),
        ], resources: [.copy("Resources")]),
        // The CLI's commands, as a library so tests run them as a user would.
        .target(name: "BasculeCommands", dependencies: [
            "BasculeDomain", "BasculeImport", "BasculeStore", "BasculeGenerator", "BasculeApp",
            "BasculeCalendarFiles", "BasculeLDAP", "BasculeSpaces", "BasculeServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The service: people who log in, API tokens, the access table on every route, the JSON API
        // and its OpenAPI document, the in-memory access decision for single sign-on, metrics.
        .target(name: "BasculeServer", dependencies: [
            "BasculeDomain", "BasculeStore", "BasculeApp", "BasculeImport", "BasculeLDAP", "BasculeCalendarFiles", "BasculeSpaces",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .executableTarget(name: "bascule", dependencies: ["BasculeCommands"]),
        // Figures printed, never asserted.
        .executableTarget(name: "BasculeBenchmarks", dependencies: [
            "BasculeDomain", "BasculeImport", "BasculeStore", "BasculeGenerator", "BasculeApp", "BasculeTesting",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], path: "Benchmarks/BasculeBenchmarks"),
        // Accounts provisioned per second against slapd, next to ldapadd.
        .executableTarget(name: "LDAPBenchmark", dependencies: [
            "BasculeDomain", "BasculeLDAP", "BasculeApp", "BasculeStore", "BasculeTesting", "BasculeGenerator", "BasculeImport",
        ], path: "Benchmarks/LDAPBenchmark"),
        // An academy's rentrée on PostgreSQL and slapd, and planning as the schools grow in number.
        .executableTarget(name: "AcademyBenchmark", dependencies: [
            "BasculeDomain", "BasculeLDAP", "BasculeApp", "BasculeStore", "BasculeTesting", "BasculeGenerator", "BasculeImport",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], path: "Benchmarks/AcademyBenchmark"),
        // Spaces created and measured for a generated collège.
        .executableTarget(name: "SpacesBenchmark", dependencies: [
            "BasculeDomain", "BasculeSpaces", "BasculeApp", "BasculeStore", "BasculeGenerator", "BasculeImport", "BasculeTesting",
        ], path: "Benchmarks/SpacesBenchmark"),
        // Shared by the test targets: fixtures and launchers of real servers.
        .target(name: "BasculeTesting", dependencies: [
            "BasculeDomain", "BasculeStore", "BasculeGenerator", "BasculeLDAP",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "BasculeDomainTests", dependencies: ["BasculeDomain"]),
        .testTarget(name: "BasculeGeneratorTests", dependencies: ["BasculeGenerator", "BasculeImport"]),
        .testTarget(name: "BasculeImportTests", dependencies: [
            "BasculeImport", "BasculeGenerator", "BasculeTesting",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], resources: [.copy("Fixtures")]),
        .testTarget(name: "BasculeStoreTests", dependencies: [
            "BasculeStore", "BasculeImport", "BasculeApp", "BasculeGenerator", "BasculeTesting", "BasculeCalendarFiles",
        ]),
        .testTarget(name: "BasculeLDAPTests", dependencies: [
            "BasculeLDAP", "BasculeApp", "BasculeStore", "BasculeImport", "BasculeGenerator", "BasculeTesting", "BasculeSpaces",
        ]),
        .testTarget(name: "BasculeSpacesTests", dependencies: [
            "BasculeSpaces", "BasculeApp", "BasculeStore", "BasculeImport", "BasculeGenerator", "BasculeTesting", "BasculeLDAP",
            "BasculeCalendarFiles",
        ]),
        .testTarget(name: "BasculeServerTests", dependencies: [
            "BasculeServer", "BasculeCommands", "BasculeTesting", "BasculeApp", "BasculeStore", "BasculeDomain", "BasculeGenerator",
            "BasculeImport", "BasculeLDAP", "BasculeCalendarFiles",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
        ]),
        .testTarget(name: "BasculeCommandsTests", dependencies: [
            "BasculeCommands", "BasculeTesting", "BasculeCalendarFiles", "BasculeStore", "BasculeDomain", "BasculeApp",
            "BasculeLDAP", "BasculeMail",
        ]),
        .testTarget(name: "BasculeMailTests", dependencies: ["BasculeMail", "BasculeTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
