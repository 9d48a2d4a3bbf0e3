from ninja import Router, Schema

from trato.accounts.roles import roles_of

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    email: str
    language: str
    time_zone: str
    roles: list[str]


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "time_zone": user.time_zone,
        "roles": sorted(roles_of(user)),
    }
