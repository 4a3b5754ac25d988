"""The demo world (`manage.py seed_demo`) and the one-process demo server
(`manage.py demo_serve`). It builds everything through the other apps'
services, so it sits above them all: no domain app imports it."""
