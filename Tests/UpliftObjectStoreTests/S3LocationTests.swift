import Testing
import UpliftModel
import UpliftObjectStore

@Suite struct S3LocationTests {
    @Test func anEndpointMeansPathStyle() throws {
        let location = try S3Location(url: "s3://uplift-events/prod/eu", endpoint: "http://127.0.0.1:9000")
        #expect(location.bucket == "uplift-events")
        #expect(location.prefix == "prod/eu/")
        #expect(location.authority == "127.0.0.1:9000")
        #expect(location.origin == "http://127.0.0.1:9000")
        #expect(location.path(of: "prod/eu/x") == "/uplift-events/prod/eu/x")
        #expect(location.region == "us-east-1")
    }

    @Test func noEndpointMeansAWSVirtualHosted() throws {
        let location = try S3Location(url: "s3://uplift-events", environment: ["AWS_REGION": "eu-west-1"])
        #expect(location.prefix == "")
        #expect(location.origin == "https://uplift-events.s3.eu-west-1.amazonaws.com")
        #expect(location.path(of: "x") == "/x")
        #expect(try S3Location(url: "s3://b12", region: "ap-south-1").region == "ap-south-1")
        #expect(try S3Location(url: "s3://b12", environment: ["AWS_DEFAULT_REGION": "us-west-2"]).region == "us-west-2")
    }

    @Test(arguments: [
        ("/data", "not an s3://BUCKET/PREFIX address"),
        ("s3://", "is not a bucket name"),
        ("s3://Uplift_Events/x", "is not a bucket name"),
        ("s3://ab", "is not a bucket name"),
    ])
    func badAddresses(url: String, expected: String) {
        let error = #expect(throws: UpliftError.self) { try S3Location(url: url) }
        #expect(error?.message.contains(expected) == true, "\(error!)")
    }

    @Test func badEndpointsAndRegions() {
        let scheme = #expect(throws: UpliftError.self) {
            try S3Location(url: "s3://bucket", endpoint: "127.0.0.1:9000")
        }
        #expect(scheme?.message.contains("must start with http:// or https://") == true)
        let path = #expect(throws: UpliftError.self) {
            try S3Location(url: "s3://bucket", endpoint: "http://127.0.0.1:9000/bucket")
        }
        #expect(path?.message.contains("with no path") == true)
        let region = #expect(throws: UpliftError.self) { try S3Location(url: "s3://bucket", region: "eu west") }
        #expect(region?.message.contains("is not a region name") == true)
    }

    @Test func credentialsComeFromTheEnvironment() throws {
        let credentials = try AWSCredentials.from(environment: [
            "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        #expect(credentials.accessKeyID == "AKIA")
        #expect(credentials.sessionToken == "token")
        let missing = #expect(throws: UpliftError.self) {
            try AWSCredentials.from(environment: ["AWS_ACCESS_KEY_ID": "AKIA"])
        }
        #expect(missing?.message.contains("set AWS_SECRET_ACCESS_KEY") == true)
    }
}
