"""The @connections management calls through boto3, against a Switchboard gateway.

Usage: /usr/bin/python3 boto3_management.py ENDPOINT_URL CONNECTION_ID

ENDPOINT_URL is the management endpoint with its stage (http://127.0.0.1:ADMIN/dev). The script
posts b'from boto3', gets the connection, deletes it, then posts again and expects GoneException.
It prints one JSON line of results on stdout; an unexpected error propagates (exit status 1).
"""

import json
import sys

import boto3
from botocore.config import Config


def main(endpoint_url: str, connection_id: str) -> None:
    client = boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10),
    )
    results: dict[str, object] = {}

    post = client.post_to_connection(ConnectionId=connection_id, Data=b"from boto3")
    results["post"] = post["ResponseMetadata"]["HTTPStatusCode"]

    got = client.get_connection(ConnectionId=connection_id)
    results["get"] = {
        "status": got["ResponseMetadata"]["HTTPStatusCode"],
        "ConnectedAt": got["ConnectedAt"].isoformat(),
        "LastActiveAt": got["LastActiveAt"].isoformat(),
        "Identity": got["Identity"],
    }

    deleted = client.delete_connection(ConnectionId=connection_id)
    results["delete"] = deleted["ResponseMetadata"]["HTTPStatusCode"]

    try:
        client.post_to_connection(ConnectionId=connection_id, Data=b"after delete")
        results["postAfterDelete"] = "no error"
    except client.exceptions.GoneException as error:
        results["postAfterDelete"] = {
            "code": error.response["Error"]["Code"],
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
        }

    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: boto3_management.py ENDPOINT_URL CONNECTION_ID")
    main(sys.argv[1], sys.argv[2])
