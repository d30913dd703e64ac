"""Built-in indicator plugins. They register through the ``jixiao.plugins`` entry-point
group, the same door a district's package uses."""
