from django.shortcuts import render


def index(request):
    """The shop's front page; the header shows who is signed in."""
    return render(request, "shop/index.html")
