"""SigV4-verified @connections calls through boto3, against a Switchboard gateway in `verify` mode.

Usage: /usr/bin/python3 boto3_sigv4.py ENDPOINT_URL CONNECTION_ID ACCESS_KEY SECRET

Posts b'signed by boto3' with the right credentials, gets the connection, then tries a wrong secret
and expects ForbiddenException. Prints one JSON line of results; an unexpected error exits 1.
"""

import json
import sys

import boto3
from botocore.config import Config


def client(endpoint_url: str, access_key: str, secret: str):
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10),
    )


def main(endpoint_url: str, connection_id: str, access_key: str, secret: str) -> None:
    results: dict[str, object] = {}
    good = client(endpoint_url, access_key, secret)
    results["post"] = good.post_to_connection(ConnectionId=connection_id, Data=b"signed by boto3")["ResponseMetadata"]["HTTPStatusCode"]
    results["get"] = good.get_connection(ConnectionId=connection_id)["ResponseMetadata"]["HTTPStatusCode"]
    bad = client(endpoint_url, access_key, secret + "x")
    try:
        bad.post_to_connection(ConnectionId=connection_id, Data=b"must not arrive")
        results["wrongSecret"] = "no error"
    except bad.exceptions.ForbiddenException as error:
        results["wrongSecret"] = {"code": error.response["Error"]["Code"], "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: boto3_sigv4.py ENDPOINT_URL CONNECTION_ID ACCESS_KEY SECRET")
    main(*sys.argv[1:5])
