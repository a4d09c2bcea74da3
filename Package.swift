// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "tributary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tributary", targets: ["tributary"]),
        // In-memory contexts and harnesses for connector unit tests (docs/connect-test-kit.md).
        .library(name: "ConnectTestKit", targets: ["ConnectTestKit"]),
    ],
    dependencies: [
        // Default traits pull in swift-configuration, which we do not use: keep the build small.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Already under Hummingbird; named for the small HTTP client that forwards REST calls between workers.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        // Already under Hummingbird (HummingbirdTLS): TLS for the https listeners and forwarded requests.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Already under NIO; Deque keeps records awaiting acknowledgement without moving them around.
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        // SHA-256 and HMAC for AWS Signature Version 4; PBKDF2 and AES-CBC (CryptoExtras) for key stores.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // Already under swift-crypto: the DER reader for PKCS#12 and PKCS#8.
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // Task and worker metrics (swift-metrics API), exported for Prometheus at GET /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries: only the client wrappers below import these.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        // libpq is loaded at first use (dlopen), so this C target only needs libpq5 at run time.
        .target(name: "CLibPQ"),
        // libcurl likewise (libcurl4 at run time; its headers at build time).
        .target(name: "CCurl"),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libdeflate, libsnappy, libzstd and liblz4 likewise, each at its first use (no headers needed).
        .target(name: "CCompress"),
        // libcrypt's crypt_r: the CRYPT: passwords of Jetty password files (Schema Registry, REST Proxy).
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),

        .target(
            name: "KafkaClient",
            dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresClient",
            dependencies: ["CLibPQ"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CurlClient",
            dependencies: ["CCurl", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Compression codecs over the system libraries: gzip/deflate, snappy, zstd, LZ4 (S3 sink, Avro, Parquet).
        .target(name: "Codecs", dependencies: ["CCompress", "CZlib"], swiftSettings: swiftSettings),
        // AWS credentials as the AWS SDKs find them (environment, web identity, profiles, container, IMDSv2, STS).
        .target(
            name: "AWSAuth", dependencies: ["CurlClient", "ConnectAPI", "KeyStores"], swiftSettings: swiftSettings),
        // Kafka's Java client configuration (SASL/JAAS, key stores, renamed keys) translated for librdkafka.
        .target(
            name: "KafkaClientConfigs",
            dependencies: ["KafkaClient", "KeyStores", "AWSAuth", "CurlClient", "ConnectAPI"],
            swiftSettings: swiftSettings
        ),
        // Java key and trust stores (JKS, PKCS12) and PEM, read into PEM for OpenSSL-based TLS users.
        .target(
            name: "KeyStores",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Avro", dependencies: ["Codecs", "ConnectAPI"], swiftSettings: swiftSettings),
        // Parquet files (S3 ParquetFormat): Thrift compact footer, Dremel levels, PLAIN pages, compressed pages.
        .target(name: "Parquet", dependencies: ["Codecs"], swiftSettings: swiftSettings),
        // Confluent's AvroData: Connect schemas and values as Avro (S3 AvroFormat, the AvroConverter).
        .target(
            name: "ConnectAvro", dependencies: ["Avro", "ConnectAPI", "CurlClient", "KeyStores"],
            swiftSettings: swiftSettings),
        .target(
            name: "ConnectAPI",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Kafka's connect-json: the JsonConverter, for the runtime and for connectors that write JSON.
        .target(name: "ConnectJSON", dependencies: ["ConnectAPI"], swiftSettings: swiftSettings),
        // The HTTP adapter and request/response types the three REST APIs share.
        .target(
            name: "RestServing",
            dependencies: [
                "ConnectAPI", "KeyStores", "CCrypt", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SchemaRegistry",
            dependencies: [
                "Avro", "ConnectAPI", "KafkaClient", "RestServing", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RestProxy",
            dependencies: [
                "Avro", "ConnectAPI", "KafkaClient", "RestServing", "SchemaRegistry",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ConnectRuntime",
            dependencies: [
                "ConnectAPI", "ConnectJSON", "KafkaClient", "KafkaClientConfigs", "KeyStores", "RestServing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FileStreamConnectors", dependencies: ["ConnectAPI"], path: "Sources/Connectors/FileStream",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JdbcConnectors",
            dependencies: ["ConnectAPI", "PostgresClient", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Connectors/JDBC", swiftSettings: swiftSettings
        ),
        .target(
            name: "S3SinkConnector",
            dependencies: [
                "ConnectAPI", "ConnectJSON", "ConnectAvro", "Avro", "CurlClient", "AWSAuth", "Codecs", "Parquet",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Connectors/S3Sink", swiftSettings: swiftSettings
        ),
        .target(
            name: "HttpSourceConnectors",
            dependencies: [
                "ConnectAPI", "ConnectJSON", "CurlClient", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Connectors/HTTP", swiftSettings: swiftSettings
        ),
        .target(
            name: "DataGenConnector", dependencies: ["ConnectAPI"], path: "Sources/Connectors/DataGen",
            swiftSettings: swiftSettings
        ),
        // Kafka's single message transformations (connect-transforms).
        .target(name: "Transforms", dependencies: ["ConnectAPI"], swiftSettings: swiftSettings),
        // Connector unit tests without Kafka: in-memory contexts, and harnesses that drive a connector and
        // its tasks as the worker does (Kafka's connect-runtime test utilities play this part there).
        .target(
            name: "ConnectTestKit",
            dependencies: ["ConnectAPI", "ConnectJSON", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        // The operator CLI's REST client, plans and tables (`tributary connectors`, `apply`, `validate`).
        .target(
            name: "OperatorCLI", dependencies: ["ConnectAPI", "ConnectRuntime", "CurlClient"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "tributary",
            dependencies: [
                "ConnectAPI", "ConnectRuntime", "KafkaClient", "FileStreamConnectors", "DataGenConnector",
                "JdbcConnectors", "S3SinkConnector", "HttpSourceConnectors", "SchemaRegistry", "RestProxy",
                "ConnectAvro", "Transforms",
                "RestServing", "OperatorCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "ConnectAPITests", dependencies: ["ConnectAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FileStreamConnectorsTests", dependencies: ["FileStreamConnectors", "ConnectAPI", "ConnectTestKit"],
            swiftSettings: swiftSettings),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "Codecs", "CZlib"], swiftSettings: swiftSettings),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "CZlib"], swiftSettings: swiftSettings),
        .testTarget(name: "KeyStoresTests", dependencies: ["KeyStores"], swiftSettings: swiftSettings),
        .testTarget(name: "AWSAuthTests", dependencies: ["AWSAuth", "CurlClient"], swiftSettings: swiftSettings),
        .testTarget(name: "KafkaClientTests", dependencies: ["KafkaClient"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RestServingTests", dependencies: ["RestServing", "ConnectAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KafkaClientConfigsTests",
            dependencies: ["KafkaClientConfigs", "KafkaClient", "AWSAuth", "CurlClient", "KeyStores"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TransformsTests", dependencies: ["Transforms", "ConnectAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JdbcConnectorsTests",
            dependencies: ["JdbcConnectors", "ConnectAPI", "ConnectTestKit", "PostgresClient"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "HttpSourceConnectorsTests",
            dependencies: ["HttpSourceConnectors", "ConnectAPI", "CurlClient", "ConnectTestKit"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AvroTests", dependencies: ["Avro", "ConnectAvro", "ConnectAPI", "Codecs"],
            swiftSettings: swiftSettings),
        // Parsers of untrusted bytes (JSON, converters, Avro) fed mutated inputs: they must throw, not trap.
        .testTarget(
            name: "MalformedInputTests", dependencies: ["ConnectAPI", "ConnectJSON", "Avro", "ConnectAvro"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CurlClientTests", dependencies: ["CurlClient"], swiftSettings: swiftSettings),
        .testTarget(
            name: "S3SinkConnectorTests",
            dependencies: [
                "S3SinkConnector", "ConnectAPI", "ConnectTestKit", "AWSAuth", "CurlClient", "Avro", "Parquet", "CZlib",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ConnectRuntimeTests",
            dependencies: [
                "ConnectRuntime", "ConnectAPI", "ConnectJSON", "FileStreamConnectors", "DataGenConnector",
                "RestServing", "KafkaClientConfigs", "KafkaClient", "ConnectTestKit",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RestProxyTests", dependencies: ["RestProxy", "RestServing", "ConnectAPI"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SchemaRegistryTests", dependencies: ["SchemaRegistry", "ConnectAPI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OperatorCLITests", dependencies: ["OperatorCLI", "ConnectRuntime", "ConnectAPI"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["KafkaClient", "PostgresClient", "ConnectRuntime", "ConnectAPI"],
            swiftSettings: swiftSettings
        ),
    ]
)
