from django.contrib.auth import views as auth_views


class TratoLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class TratoLogoutView(auth_views.LogoutView):
    pass


def home_redirect(request):
    from django.shortcuts import redirect

    return redirect("core:home")
