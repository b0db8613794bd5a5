"""STATISTIQUES: the figures a service is judged on, for a period and a scope (services, category, origin,
manager). periods.py reads the period and its buckets, scope.py the tickets counted, figures.py and
delays.py the queries, charts.py draws them as SVG on the server, export.py writes a table as CSV.
What each figure counts is written in the README ("Statistiques")."""
