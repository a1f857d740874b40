# Rule tests: `semgrep --test .semgrep/` (see python-security.py).
import fastapi
import uvicorn
from fastapi.middleware.cors import CORSMiddleware

# ruleid: fastapi-debug-true
app = fastapi.FastAPI(debug=True)
# ok: fastapi-debug-true
safe = fastapi.FastAPI()
# ruleid: fastapi-cors-wildcard-credentials
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
# ok: fastapi-cors-wildcard-credentials
app.add_middleware(CORSMiddleware, allow_origins=["https://hotel.example"], allow_credentials=True)


def handler(exc):
    # ruleid: fastapi-raw-exception-detail
    raise fastapi.HTTPException(status_code=400, detail=str(exc))


def serve():
    # ruleid: uvicorn-bind-all-hardcoded
    uvicorn.run(app, host="0.0.0.0")
