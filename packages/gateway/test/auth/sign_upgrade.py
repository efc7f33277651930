"""Signs a WebSocket upgrade URL with botocore's SigV4 for execute-api (an independent signer).

Usage: /usr/bin/python3 sign_upgrade.py URL ACCESS_KEY SECRET query|header [EXPIRES]

`query` prints {"url": presigned URL}; `header` prints {"headers": {...}} for a GET of URL.
"""

import json
import sys

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main(url: str, access_key: str, secret: str, mode: str, expires: int) -> None:
    credentials = Credentials(access_key, secret)
    request = AWSRequest(method="GET", url=url, headers={})
    if mode == "query":
        SigV4QueryAuth(credentials, "execute-api", "us-east-1", expires=expires).add_auth(request)
        print(json.dumps({"url": request.url}))
    else:
        SigV4Auth(credentials, "execute-api", "us-east-1").add_auth(request)
        print(json.dumps({"headers": {k: v for k, v in request.headers.items()}}))


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit("usage: sign_upgrade.py URL ACCESS_KEY SECRET query|header [EXPIRES]")
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) == 6 else 300)
