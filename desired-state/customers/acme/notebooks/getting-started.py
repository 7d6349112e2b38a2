# Databricks notebook source
# MAGIC %md
# MAGIC # Welcome to Databricks, ${customer}
# MAGIC
# MAGIC Your data lives in the catalog `${catalog}`. This notebook is managed by
# MAGIC onboarder: changes made here are overwritten on the next reconcile.

# COMMAND ----------

spark.sql("USE CATALOG ${catalog}")
display(spark.sql("SHOW SCHEMAS IN ${catalog}"))

# COMMAND ----------

# MAGIC %md
# MAGIC ## Curated data
# MAGIC Start with the tables in `${catalog}.curated`.

# COMMAND ----------

display(spark.sql("SHOW TABLES IN ${catalog}.curated"))
